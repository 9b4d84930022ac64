package dev.grpcpool.bench.load;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

/**
 * The measured calls of a run by the second of their <em>intended</em> start: what was sent, how each ended and
 * the corrected latency of the calls meant to start in that second. A stall at second 5 shows at second 5, in
 * the latency of the calls that were due then, not in the second in which they finally ended.
 *
 * <p>Latency per second is kept in a packed HdrHistogram with two significant digits (a percentile within 1 %),
 * whose footprint grows with the number of distinct values in the second, not with its range (a few kilobytes a
 * second); the run's totals are kept at three digits elsewhere. Each second's histogram is guarded by its own lock:
 * HdrHistogram's concurrent packed variant can stall when two threads resize it at once, and a lock held for one
 * increment costs less than the rest of a call's recording.
 *
 * <p>Thread-safe: any thread records.
 */
final class IntendedTimeline {
  static final int SIGNIFICANT_DIGITS = 2;
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final long startNanos;
  private final Second[] seconds;

  /** A timeline of {@code durationNanos} (rounded up to whole seconds) from {@code startNanos}. */
  IntendedTimeline(long startNanos, long durationNanos) {
    this.startNanos = startNanos;
    int n = (int) Math.max(1, (durationNanos + SECOND - 1) / SECOND);
    this.seconds = new Second[n];
    for (int i = 0; i < n; i++) {
      seconds[i] = new Second();
    }
  }

  /** One row per second, after the run: counts, failures by status and corrected latency in milliseconds. */
  record Row(int second, long sent, long ok, long failed, Map<String, Long> failedByStatus, double p50Millis,
      double p99Millis, double maxMillis) {
    /** Sent but neither ok nor failed when the run ended. */
    long unfinished() {
      return sent - ok - failed;
    }
  }

  void sent(long intendedNanos) {
    at(intendedNanos).sent.increment();
  }

  /** Records the end of a call meant to start at {@code intendedNanos}; {@code code} null when it succeeded. */
  void ended(long intendedNanos, Status.Code code, long correctedMicros) {
    Second s = at(intendedNanos);
    if (code == null) {
      s.ok.increment();
    } else {
      s.failed.increment();
      s.failedBy.computeIfAbsent(code, c -> new LongAdder()).increment();
    }
    s.record(correctedMicros);
  }

  /** The rows of the seconds that had a call meant to start in them, or that lie before one that did. */
  List<Row> rows() {
    int last = -1;
    for (int i = 0; i < seconds.length; i++) {
      if (seconds[i].sent.sum() > 0) {
        last = i;
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i <= last; i++) {
      Second s = seconds[i];
      Map<Status.Code, Long> byCode = new EnumMap<>(Status.Code.class);
      s.failedBy.forEach((c, n) -> byCode.put(c, n.sum()));
      Map<String, Long> byName = new java.util.LinkedHashMap<>();
      byCode.forEach((c, n) -> byName.put(c.name(), n));
      Histogram h = s.copy();
      rows.add(new Row(i, s.sent.sum(), s.ok.sum(), s.failed.sum(), Collections.unmodifiableMap(byName),
          h == null ? Double.NaN : LoadRecorder.millis(h, 50), h == null ? Double.NaN : LoadRecorder.millis(h, 99),
          h == null ? Double.NaN : h.getMaxValue() / 1000.0));
    }
    return rows;
  }

  private Second at(long intendedNanos) {
    long i = (intendedNanos - startNanos) / SECOND;
    return seconds[(int) Math.max(0, Math.min(seconds.length - 1, i))];
  }

  private static final class Second {
    final LongAdder sent = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder failed = new LongAdder();
    final Map<Status.Code, LongAdder> failedBy = new ConcurrentHashMap<>();
    /** Created by the first call that ends, so that seconds nobody reached cost no histogram. Guarded by this. */
    private Histogram histogram;

    synchronized void record(long micros) {
      if (histogram == null) {
        histogram = new PackedHistogram(SIGNIFICANT_DIGITS);
      }
      histogram.recordValue(micros);
    }

    /** A copy of the second's latency, or null when no call ended. */
    synchronized Histogram copy() {
      return histogram == null ? null : histogram.copy();
    }
  }
}
