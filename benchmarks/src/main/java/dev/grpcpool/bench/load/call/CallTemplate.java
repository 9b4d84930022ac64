package dev.grpcpool.bench.load.call;

import com.google.protobuf.Descriptors;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.List;

/**
 * Everything one call of a load run sends, resolved and checked: the method (of any of the four call types), the
 * request messages of call number {@code seq}, the metadata and the call options. The load generator starts every
 * call from it in the same way, whether it calls this project's echo service through its generated code or a
 * user's method through {@code DynamicMessage}s.
 *
 * <p>Immutable and thread-safe; {@link #headers} returns a new {@code Metadata} each time, because gRPC adds to
 * the headers a call is started with.
 */
public final class CallTemplate {
  private final MethodDescriptor<Object, Object> method;
  private final List<?> fixed;
  private final RequestData data;
  private final Metadata headers;
  private final CallOptions options;

  @SuppressWarnings("unchecked")
  private CallTemplate(MethodDescriptor<?, ?> method, List<?> fixed, RequestData data, Metadata headers,
      String compression) {
    // Calls are started with whatever the template holds; the method's marshaller takes exactly those messages.
    this.method = (MethodDescriptor<Object, Object>) method;
    this.fixed = fixed;
    this.data = data;
    this.headers = headers;
    this.options = compression == null ? CallOptions.DEFAULT : CallOptions.DEFAULT.withCompression(compression);
  }

  /** One request message, the same for every call, of a compiled method; no metadata, no compression. */
  public static <ReqT> CallTemplate fixed(MethodDescriptor<ReqT, ?> method, ReqT request) {
    return new CallTemplate(method, List.of(request), null, new Metadata(), null);
  }

  /**
   * Calls of {@code method}, known at run time, with the messages {@code data} makes for each call.
   *
   * @param headers sent with every call (copied for each)
   * @param compression the name of a registered compressor ({@code gzip}), or null for none
   */
  public static CallTemplate dynamic(Descriptors.MethodDescriptor method, RequestData data, Metadata headers,
      String compression) {
    return new CallTemplate(DynamicMethod.of(method), null, data, headers, compression);
  }

  public MethodDescriptor<Object, Object> method() {
    return method;
  }

  /** {@code package.Service/Method}. */
  public String fullMethodName() {
    return method.getFullMethodName();
  }

  /** Whether the server answers with a stream: a call then asks for every message, and ends when the stream does. */
  public boolean streamsResponses() {
    return !method.getType().serverSendsOneMessage();
  }

  /** Whether the messages differ from call to call ({@link #messages} then needs each call's number). */
  public boolean variesPerCall() {
    return fixed == null && data.variesPerCall();
  }

  /**
   * The request messages of call number {@code seq}, in order; the same list for every call unless
   * {@link #variesPerCall}.
   */
  public List<?> messages(long seq) {
    return fixed != null ? fixed : data.messages(seq);
  }

  /** The headers of one call: a fresh copy of the template's. */
  public Metadata headers() {
    Metadata m = new Metadata();
    m.merge(headers);
    return m;
  }

  public CallOptions callOptions() {
    return options;
  }
}
