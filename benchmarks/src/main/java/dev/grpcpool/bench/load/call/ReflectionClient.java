package dev.grpcpool.bench.load.call;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ErrorResponse;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Finds services through a server's reflection service: {@code grpc.reflection.v1}, or {@code v1alpha} when the
 * server answers UNIMPLEMENTED for v1 (older servers, and grpc-java's {@code ProtoReflectionService}). Asks for the
 * file that holds the service, then by name for any import the answer lacks that is not a well-known type, and
 * builds them with {@link FileDescriptors}.
 *
 * <p>Thread-safe: each lookup has its own reflection call, bounded by the timeout (both versions together) and
 * cancelled before the lookup returns, however it ends.
 */
record ReflectionClient(Channel channel, Duration timeout) implements ServiceSource {
  private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1 =
      ServerReflectionGrpc.getServerReflectionInfoMethod();
  /**
   * v1's method under v1alpha's name. v1 is v1alpha's proto moved to a new package, field for field, so both
   * versions send the same bytes and v1's classes read v1alpha's answers: one client serves both.
   */
  private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA = V1.toBuilder()
      .setFullMethodName(MethodDescriptor.generateFullMethodName("grpc.reflection.v1alpha.ServerReflection",
          "ServerReflectionInfo"))
      .setSchemaDescriptor(null)
      .build();

  @Override
  public ServiceDescriptor service(String fullName) {
    Deadline deadline = Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      return lookUp(V1, fullName, deadline);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw failed(e.getStatus());
      }
    }
    try {
      return lookUp(V1ALPHA, fullName, deadline);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw new IllegalArgumentException(origin() + " does not offer server reflection; give --protoset");
      }
      throw failed(e.getStatus());
    }
  }

  /** Names the server in messages. */
  private String origin() {
    return "server " + channel.authority();
  }

  private IllegalArgumentException failed(Status status) {
    return new IllegalArgumentException(origin() + ": server reflection failed: " + status.getCode()
        + (status.getDescription() == null ? "" : ": " + Lines.first(status.getDescription())));
  }

  private ServiceDescriptor lookUp(MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method,
      String service, Deadline deadline) {
    try (Exchange exchange = new Exchange(channel, method, deadline)) {
      ServerReflectionResponse answer =
          exchange.ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build());
      if (answer.hasErrorResponse()) {
        if (answer.getErrorResponse().getErrorCode() == Status.Code.NOT_FOUND.value()) {
          throw new IllegalArgumentException("unknown service " + service + ": " + origin() + " has "
              + services(exchange));
        }
        throw refused(answer.getErrorResponse(), "file containing " + service);
      }
      Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
      add(answer, protos);
      for (Map<String, String> missing; !(missing = FileDescriptors.missing(protos)).isEmpty(); ) {
        for (Map.Entry<String, String> file : missing.entrySet()) {
          answer = exchange.ask(ServerReflectionRequest.newBuilder().setFileByFilename(file.getKey()).build());
          if (answer.hasErrorResponse()) {
            throw refused(answer.getErrorResponse(), file.getKey() + " (imported by " + file.getValue() + ")");
          }
          add(answer, protos);
          // A server that answers with some other file would be asked again forever.
          if (!protos.containsKey(file.getKey())) {
            throw new IllegalArgumentException(origin() + " answered a request for " + file.getKey()
                + " with other files");
          }
        }
      }
      ServiceDescriptor found =
          FileDescriptors.services(FileDescriptors.build(protos, origin()).values()).get(service);
      if (found == null) {
        throw new IllegalArgumentException(origin() + " sent files without service " + service);
      }
      return found;
    }
  }

  private IllegalArgumentException refused(ErrorResponse error, String what) {
    return new IllegalArgumentException(origin() + " did not send the " + what + ": "
        + Status.fromCodeValue(error.getErrorCode()).getCode() + " " + Lines.first(error.getErrorMessage()));
  }

  private void add(ServerReflectionResponse answer, Map<String, FileDescriptorProto> protos) {
    for (ByteString bytes : answer.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      try {
        FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
        protos.putIfAbsent(file.getName(), file);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException(origin() + " sent a file descriptor that does not parse: "
            + Lines.first(e.getMessage()));
      }
    }
  }

  /** The services the server lists, for the message that a service is unknown. */
  private static String services(Exchange exchange) {
    ServerReflectionResponse answer = exchange.ask(ServerReflectionRequest.newBuilder().setListServices("").build());
    return answer.hasErrorResponse() ? "no list of its services"
        : Lines.list(answer.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName)
            .sorted().toList());
  }

  /**
   * One reflection call, used as request and answer in turn (the protocol answers every request with exactly one
   * response, in order).
   */
  private static final class Exchange extends ClientCall.Listener<ServerReflectionResponse>
      implements AutoCloseable {
    /** Answers and, last, the call's closing {@link Status}. */
    private final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    private final ClientCall<ServerReflectionRequest, ServerReflectionResponse> call;
    private final Deadline deadline;

    Exchange(Channel channel, MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method,
        Deadline deadline) {
      this.deadline = deadline;
      this.call = channel.newCall(method, CallOptions.DEFAULT.withDeadline(deadline));
      call.start(this, new Metadata());
    }

    /** @throws StatusRuntimeException when the call ends instead of answering */
    ServerReflectionResponse ask(ServerReflectionRequest request) {
      call.request(1);
      call.sendMessage(request);
      Object answer;
      try {
        // gRPC ends the call at its deadline; the second more only guards against a transport that does not.
        answer = answers.poll(deadline.timeRemaining(TimeUnit.NANOSECONDS) + TimeUnit.SECONDS.toNanos(1),
            TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
      }
      if (answer instanceof ServerReflectionResponse response) {
        return response;
      }
      if (answer instanceof Status status) {
        throw (status.isOk() ? Status.INTERNAL.withDescription("the server ended the call without an answer")
            : status).asRuntimeException();
      }
      throw Status.DEADLINE_EXCEEDED.withDescription("no answer within the deadline").asRuntimeException();
    }

    @Override
    public void onMessage(ServerReflectionResponse message) {
      answers.add(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      answers.add(status);
    }

    /** Cancels the call: it ends at once on both sides, whatever state it is in; a no-op once it has ended. */
    @Override
    public void close() {
      call.cancel("reflection lookup done", null);
    }
  }
}
