package dev.grpcpool.server;

import dev.grpcpool.server.proto.EchoRequest;
import io.grpc.Status;

/**
 * Refuses requests the server must not try to honour: negative sizes, work or counts, and answers too large
 * to build, each with {@code INVALID_ARGUMENT} instead of an out-of-memory error or a stuck thread.
 *
 * <p>Stateless and thread-safe.
 */
final class RequestCheck {

  /** Largest single response payload a request may ask for: 64 MiB. */
  static final int MAX_RESPONSE_BYTES = 64 << 20;
  /** Most responses one server-streaming call may ask for. */
  static final int MAX_STREAM_MESSAGES = 100_000;
  /** Most payload bytes one server-streaming call may ask for in total: 256 MiB. */
  static final long MAX_STREAM_BYTES = 256L << 20;

  private RequestCheck() {}

  /** The refusal for {@code request}, or null when it can be served. */
  static Status refusal(EchoRequest request) {
    if (request.getResponseSize() < 0) {
      return invalid("response_size must be >= 0, was " + request.getResponseSize());
    }
    if (request.getResponseSize() > MAX_RESPONSE_BYTES) {
      return invalid("response_size must be <= " + MAX_RESPONSE_BYTES + " bytes, was "
          + request.getResponseSize());
    }
    if (request.getCpuMicros() < 0 || request.getCpuMicros() > WorkProfile.MAX_MICROS) {
      return invalid("cpu_micros must be in [0, " + WorkProfile.MAX_MICROS + "], was "
          + request.getCpuMicros());
    }
    if (request.getIoMicros() < 0 || request.getIoMicros() > WorkProfile.MAX_MICROS) {
      return invalid("io_micros must be in [0, " + WorkProfile.MAX_MICROS + "], was "
          + request.getIoMicros());
    }
    int messages = request.getStreamMessages();
    if (messages < 0 || messages > MAX_STREAM_MESSAGES) {
      return invalid("stream_messages must be in [0, " + MAX_STREAM_MESSAGES + "], was " + messages);
    }
    long total = (long) Math.max(1, messages) * responseBytes(request);
    if (total > MAX_STREAM_BYTES) {
      return invalid("stream_messages x response bytes must be <= " + MAX_STREAM_BYTES + ", was " + total);
    }
    int code = request.getFailWithCode();
    if (code < 0 || code > Status.Code.UNAUTHENTICATED.value()) {
      return invalid("fail_with_code must be a gRPC status code in [0, 16], was " + code);
    }
    return null;
  }

  /** The payload size of the answer: the requested size, or the echoed payload's. */
  static int responseBytes(EchoRequest request) {
    return request.getResponseSize() > 0 ? request.getResponseSize() : request.getPayload().size();
  }

  private static Status invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message);
  }
}
