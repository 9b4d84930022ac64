package dev.grpcpool.core;

import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A call made through the pool. It talks only to its {@link PooledChannel}, which counted it when it was
 * picked, and reports its end there exactly once whatever happens: a normal close, a cancel before
 * {@code start}, a {@code start} that throws, or — a call is allowed to be created and then dropped without
 * {@code start} or {@code cancel} — the call object becoming unreachable.
 *
 * <p>States: PICKED (in flight and unstarted) → STARTED (unstarted released) → CLOSED (in flight released).
 * Every transition is a CAS, so racing {@code cancel}, {@code onClose} and the cleaner release once. A call
 * cancelled before {@code start} is released at the cancel; a later {@code start} goes to the underlying call,
 * which throws {@code IllegalStateException} as a plain channel's call does.
 *
 * <p>A dropped call is found by a JVM-wide {@link Cleaner} (one daemon thread, {@value #CLEANER_THREAD}),
 * registered at pick and unregistered at start or cancel, so only calls that are still unstarted when they
 * become unreachable cost it anything beyond that. Until the garbage collector finds such a call, it counts in
 * flight and keeps a replaced channel from shutting down (up to the pool's retire bound).
 *
 * <p>Thread-safety as {@link ClientCall}: {@code cancel} may be called from any thread, the rest serially.
 */
final class CountingCall<ReqT, RespT> extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {

  static final String CLEANER_THREAD = "grpcpool-call-cleaner";
  private static final Cleaner CLEANER = Cleaner.create(runnable -> {
    Thread t = new Thread(runnable, CLEANER_THREAD);
    t.setDaemon(true);
    return t;
  });

  private static final int PICKED = 0;
  private static final int STARTED = 1;
  private static final int CLOSED = 2;

  /**
   * The call's state and its channel, apart from the call so the cleaner can run it without reaching the call.
   */
  private static final class Release extends AtomicInteger implements Runnable {
    private final PooledChannel pc;

    Release(PooledChannel pc) {
      super(PICKED);
      this.pc = pc;
    }

    /** Run by the cleaner once the call is unreachable, or at start / cancel to unregister (then a no-op). */
    @Override
    public void run() {
      if (compareAndSet(PICKED, CLOSED)) {
        pc.abandoned();
      }
    }
  }

  private final Release release;
  private final Cleaner.Cleanable cleanable;

  CountingCall(ClientCall<ReqT, RespT> delegate, PooledChannel pc) {
    super(delegate);
    this.release = new Release(pc);
    this.cleanable = CLEANER.register(this, release);
  }

  @Override
  public void start(Listener<RespT> listener, Metadata headers) {
    // Rejected before any state changes, as a plain channel's call rejects them.
    Objects.requireNonNull(listener, "observer");
    Objects.requireNonNull(headers, "headers");
    if (!release.compareAndSet(PICKED, STARTED)) {
      super.start(listener, headers);
      return;
    }
    cleanable.clean();
    try {
      super.start(new CountingListener(listener), headers);
    } catch (RuntimeException | Error e) {
      closed(false);
      throw e;
    } finally {
      // Only now may a retired channel shut down: the underlying call has started (or failed to).
      release.pc.started();
      // The cleaner must not take this call for dropped while it is starting.
      Reference.reachabilityFence(this);
    }
  }

  @Override
  public void cancel(String message, Throwable cause) {
    if (release.compareAndSet(PICKED, CLOSED)) {
      cleanable.clean();
      release.pc.started();
      release.pc.closed(false);
    }
    super.cancel(message, cause);
    Reference.reachabilityFence(this);
  }

  private void closed(boolean ok) {
    if (release.compareAndSet(STARTED, CLOSED)) {
      release.pc.closed(ok);
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
