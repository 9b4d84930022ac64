package dev.grpcpool.server;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the echo calls a backend is serving (from the handler's start to its answer or cancellation) and
 * fails calls that {@code failNext} asked for before they reach the service.
 *
 * <p>A call stops counting as active when the service closes it, before its status reaches the client, so
 * the observed maximum never exceeds what a per-connection stream cap allows.
 *
 * <p>This class is thread-safe.
 */
final class CallAccounting implements ServerInterceptor {

  private final BackendState state;

  CallAccounting(BackendState state) {
    this.state = state;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Status.Code injected = state.takeFailure();
    if (injected != null) {
      state.failedAtStart();
      call.close(Status.fromCode(injected)
          .withDescription("failure injected by failNext on backend " + state.backendId()), new Metadata());
      return new ServerCall.Listener<ReqT>() {};
    }
    state.callStarted();
    CountedCall<ReqT, RespT> counted = new CountedCall<>(call, state);
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(counted, headers);
    } catch (RuntimeException e) {
      counted.end(false);
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT>(listener) {
      @Override
      public void onCancel() {
        counted.end(false);
        super.onCancel();
      }
    };
  }

  private static final class CountedCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final BackendState state;
    private final AtomicBoolean ended = new AtomicBoolean();

    CountedCall(ServerCall<ReqT, RespT> delegate, BackendState state) {
      super(delegate);
      this.state = state;
    }

    void end(boolean answered) {
      if (ended.compareAndSet(false, true)) {
        state.callEnded(answered);
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      end(true);
      super.close(status, trailers);
    }
  }
}
