package dev.grpcpool.bench.load.call;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * gRPC's view of a method known only from its descriptor: requests and responses are {@link DynamicMessage}s of
 * the method's input and output types, so any service can be called without generated code.
 *
 * <p>Stateless and thread-safe; so are the method descriptors it makes.
 */
public final class DynamicMethod {
  private DynamicMethod() {}

  /** The method for {@code io.grpc} calls, of the call type its streaming flags give. */
  public static MethodDescriptor<DynamicMessage, DynamicMessage> of(Descriptors.MethodDescriptor method) {
    return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
        .setFullMethodName(MethodDescriptor.generateFullMethodName(method.getService().getFullName(),
            method.getName()))
        .setType(type(method))
        .setRequestMarshaller(new Marshaller(method.getInputType()))
        .setResponseMarshaller(new Marshaller(method.getOutputType()))
        .build();
  }

  private static MethodDescriptor.MethodType type(Descriptors.MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming()
          ? MethodDescriptor.MethodType.BIDI_STREAMING : MethodDescriptor.MethodType.CLIENT_STREAMING;
    }
    return method.isServerStreaming()
        ? MethodDescriptor.MethodType.SERVER_STREAMING : MethodDescriptor.MethodType.UNARY;
  }

  /** Writes any message; reads messages of one type. */
  private static final class Marshaller implements MethodDescriptor.Marshaller<DynamicMessage> {
    private final Descriptors.Descriptor type;

    Marshaller(Descriptors.Descriptor type) {
      this.type = type;
    }

    @Override
    public InputStream stream(DynamicMessage value) {
      return new ByteArrayInputStream(value.toByteArray());
    }

    @Override
    public DynamicMessage parse(InputStream stream) {
      try {
        return DynamicMessage.parseFrom(type, stream);
      } catch (IOException e) {
        // As grpc-java's own protobuf marshaller says it: the call fails with this status.
        throw Status.INTERNAL.withDescription("invalid protobuf byte sequence for " + type.getFullName())
            .withCause(e).asRuntimeException();
      }
    }
  }
}
