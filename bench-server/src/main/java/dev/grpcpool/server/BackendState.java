package dev.grpcpool.server;

import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run-time state of one backend that its echo service reads on every call and its fault controls write:
 * identity, default work, injected slowness and failures, and the call counters.
 *
 * <p>It survives {@code stop()}/{@code restart()}, so counters and injected faults carry over.
 *
 * <p>This class is thread-safe; the per-call reads are lock-free.
 */
final class BackendState {

  private volatile String backendId;
  private volatile WorkProfile defaultWork;
  private volatile long slowDownNanos;

  private final AtomicInteger failuresLeft = new AtomicInteger();
  private Status.Code failureCode = Status.Code.UNAVAILABLE;

  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger maxActive = new AtomicInteger();
  private final LongAdder served = new LongAdder();

  BackendState(String backendId, WorkProfile defaultWork) {
    this.backendId = backendId;
    this.defaultWork = defaultWork;
  }

  String backendId() {
    return backendId;
  }

  void backendId(String id) {
    this.backendId = id;
  }

  WorkProfile defaultWork() {
    return defaultWork;
  }

  long slowDownNanos() {
    return slowDownNanos;
  }

  void slowDown(Duration extra) {
    this.slowDownNanos = extra.toNanos();
  }

  synchronized void failNext(int n, Status.Code code) {
    failureCode = code;
    failuresLeft.set(n);
  }

  /** The status code the next call must fail with, or null; lock-free while no failure is pending. */
  Status.Code takeFailure() {
    if (failuresLeft.get() <= 0) {
      return null;
    }
    synchronized (this) {
      if (failuresLeft.get() <= 0) {
        return null;
      }
      failuresLeft.decrementAndGet();
      return failureCode;
    }
  }

  void callStarted() {
    int now = active.incrementAndGet();
    int seen;
    while (now > (seen = maxActive.get()) && !maxActive.compareAndSet(seen, now)) {
      // Lost a race with another call: re-read the maximum and try again.
    }
  }

  void callEnded(boolean answered) {
    active.decrementAndGet();
    if (answered) {
      served.increment();
    }
  }

  void failedAtStart() {
    served.increment();
  }

  int activeCalls() {
    return active.get();
  }

  int maxActiveCalls() {
    return maxActive.get();
  }

  void resetMaxActiveCalls() {
    maxActive.set(active.get());
  }

  long callsServed() {
    return served.sum();
  }
}
