package dev.grpcpool.bench.load;

import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PoolStats;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool's size and queuing, one row per second of the measurement: read from {@link ChannelPool#stats()} as each
 * second closes, so a pool that sizes itself can be watched growing under load and shrinking after it, beside the
 * calls of the same second in {@code timeline.csv}.
 *
 * <p>Thread-safe: the generator's ticker adds rows, the run reads them once it has ended.
 */
final class PoolTimeline {

  /**
   * The pool at the end of one second of the measurement.
   *
   * @param second 0 for the first second measured
   * @param size channels in use
   * @param target the size the pool's last resize decision aimed for
   * @param inFlight calls in flight on the pool's channels, those draining included
   * @param queuedCalls calls that waited for a stream on their connection, in this second
   * @param queuedMillis how long the calls of this second waited for a stream, summed
   */
  record Second(int second, int size, int target, int inFlight, long queuedCalls, double queuedMillis) {}

  private final ChannelPool pool;
  private final List<Second> rows = new ArrayList<>();
  private boolean started;
  private long queuedBefore;
  private long queuedNanosBefore;

  PoolTimeline(ChannelPool pool) {
    this.pool = pool;
  }

  /** The measurement starts, the pool being {@code s}: queuing counts from it. */
  synchronized void start(PoolStats s) {
    queuedBefore = s.queuedCalls();
    queuedNanosBefore = queuedNanos(s);
    started = true;
  }

  /** Second {@code index} of the measurement has closed; returns its row, or null before the measurement. */
  synchronized Second secondClosed(int index) {
    return started ? add(index, pool.stats()) : null;
  }

  private Second add(int index, PoolStats s) {
    long queued = s.queuedCalls();
    long nanos = queuedNanos(s);
    Second row = new Second(index, s.total(), s.sizing().target(), s.inFlight(), queued - queuedBefore,
        LatencySummary.round((nanos - queuedNanosBefore) / 1e6));
    rows.add(row);
    queuedBefore = queued;
    queuedNanosBefore = nanos;
    return row;
  }

  /**
   * The run has ended with {@code seconds} seconds measured and the pool being {@code s}: the generator closes the
   * last second itself, without a tick, so it is read from {@code s}, and the rows add up to the run's counts.
   */
  synchronized void ended(int seconds, PoolStats s) {
    if (started && seconds > 0 && (rows.isEmpty() || rows.get(rows.size() - 1).second() < seconds - 1)) {
      add(seconds - 1, s);
    }
  }

  synchronized List<Second> rows() {
    return List.copyOf(rows);
  }

  /** How long calls waited for a stream over the pool's life, removed positions included, in nanoseconds. */
  static long queuedNanos(PoolStats s) {
    long nanos = 0;
    for (PoolStats.ChannelStats c : s.channels()) {
      nanos += c.queuedTime().toNanos();
    }
    for (PoolStats.ChannelStats c : s.removed()) {
      nanos += c.queuedTime().toNanos();
    }
    return nanos;
  }
}
