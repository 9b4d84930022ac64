package dev.grpcpool.core;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A call that fails as soon as it starts: what a shut-down pool hands out, so callers get UNAVAILABLE at
 * once instead of a call on a terminated channel.
 *
 * <p>Thread-safety as {@link ClientCall}.
 */
final class FailingCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {

  private final Status status;
  private final Executor executor;

  FailingCall(Status status, CallOptions options) {
    this.status = status;
    this.executor = options.getExecutor();
  }

  @Override
  public void start(Listener<RespT> listener, Metadata headers) {
    Objects.requireNonNull(listener, "observer");
    Objects.requireNonNull(headers, "headers");
    Runnable close = () -> listener.onClose(status, new Metadata());
    if (executor != null) {
      executor.execute(close);
    } else {
      close.run();
    }
  }

  @Override
  public void request(int numMessages) {}

  @Override
  public void cancel(String message, Throwable cause) {}

  @Override
  public void halfClose() {}

  @Override
  public void sendMessage(ReqT message) {}
}
