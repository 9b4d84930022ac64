package dev.grpcpool.core;

import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A call made through the pool: counts itself in flight on its channel from the pick until it closes, and
 * releases that count exactly once whatever happens: normal close, cancel before {@code start}, a
 * {@code start} that throws, or a {@code start} after cancel.
 *
 * <p>States: PICKED (counted in flight and unstarted) → STARTED (unstarted released) → CLOSED (in flight
 * released). Every transition is a CAS, so racing {@code cancel} and {@code onClose} release once.
 *
 * <p>Thread-safety as {@link ClientCall}: {@code cancel} may be called from any thread, the rest serially.
 */
final class CountingCall<ReqT, RespT> extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {

  private static final int PICKED = 0;
  private static final int STARTED = 1;
  private static final int CLOSED = 2;

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<CountingCall> STATE =
      AtomicIntegerFieldUpdater.newUpdater(CountingCall.class, "state");

  private final PooledChannel pc;
  private final ChannelPool pool;
  private volatile int state = PICKED;

  CountingCall(ClientCall<ReqT, RespT> delegate, PooledChannel pc, ChannelPool pool) {
    super(delegate);
    this.pc = pc;
    this.pool = pool;
  }

  @Override
  public void start(Listener<RespT> listener, Metadata headers) {
    if (!STATE.compareAndSet(this, PICKED, STARTED)) {
      // Cancelled before start: already released; the delegate closes the listener with CANCELLED.
      super.start(listener, headers);
      return;
    }
    try {
      super.start(new CountingListener(listener), headers);
    } catch (RuntimeException | Error e) {
      closed(false);
      throw e;
    } finally {
      // Only now may a retired channel shut down: the delegate call has started (or failed to).
      pool.releaseUnstarted(pc);
    }
  }

  @Override
  public void cancel(String message, Throwable cause) {
    if (STATE.compareAndSet(this, PICKED, CLOSED)) {
      pool.releaseUnstarted(pc);
      pool.callClosed(pc, false);
    }
    super.cancel(message, cause);
  }

  private void closed(boolean ok) {
    if (STATE.compareAndSet(this, STARTED, CLOSED)) {
      pool.callClosed(pc, ok);
    }
  }

  private final class CountingListener extends ForwardingClientCallListener.SimpleForwardingClientCallListener<RespT> {
    CountingListener(Listener<RespT> delegate) {
      super(delegate);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      closed(status.isOk());
      super.onClose(status, trailers);
    }
  }
}
