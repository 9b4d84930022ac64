package dev.grpcpool.bench.load;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Enforces the per-call deadline of a load run with one periodic sweep instead of a timer per call.
 *
 * <p>A deadline on {@code CallOptions} makes gRPC arm a timer for every call (a scheduled task, cancelled when the
 * call ends) and send a {@code grpc-timeout} header: measured against h2load on one server, that cost the
 * generator 18 % of its rate. Every call of a run has the same deadline, so calls expire in the order they were
 * sent: a queue in send order is also a queue in deadline order, and a sweep only looks at its head. A call that
 * ended is dropped when it reaches the head; one past its deadline is cancelled there and recorded as
 * {@code DEADLINE_EXCEEDED}. A deadline is therefore enforced within one sweep period ({@link #PERIOD}) after it
 * passes, and the server learns of it from the cancellation (RST_STREAM), not from a {@code grpc-timeout}
 * header.
 *
 * <p>Thread-safe: any thread adds; one thread at a time sweeps.
 */
final class DeadlineSweeper {
  /** How often the deadline is checked: its resolution. */
  static final Duration PERIOD = Duration.ofMillis(5);

  private final long deadlineNanos;
  private final String description;
  private final Queue<LoadCall> calls = new ConcurrentLinkedQueue<>();

  DeadlineSweeper(Duration deadline) {
    this.deadlineNanos = deadline.toNanos();
    long ms = deadline.toMillis();
    this.description = "deadline of " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms")
        + " exceeded (enforced by the load generator)";
  }

  /** The time at which a call sent at {@code sentNanos} expires. */
  long deadlineFor(long sentNanos) {
    return sentNanos + deadlineNanos;
  }

  /** Watches a call that was just started. */
  void add(LoadCall call) {
    if (!call.isClosed()) {
      calls.add(call);
    }
  }

  /** Drops ended calls at the head and expires those past their deadline; returns how many it expired. */
  int sweep(long nowNanos) {
    int expired = 0;
    LoadCall head;
    while ((head = calls.peek()) != null) {
      if (!head.isClosed()) {
        if (nowNanos - head.deadlineNanos() < 0) {
          break;
        }
        head.expire(description);
        expired++;
      }
      calls.poll();
    }
    return expired;
  }
}
