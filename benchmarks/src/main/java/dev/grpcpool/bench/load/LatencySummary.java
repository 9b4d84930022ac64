package dev.grpcpool.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The latency figures a load run reports for one histogram: count, min, mean, p50, p90, p99, p99.9, p99.99 and
 * max, in milliseconds. An empty histogram has a count and nothing else: no percentile of nothing.
 *
 * <p>Stateless and thread-safe.
 */
final class LatencySummary {
  /** Percentiles reported everywhere: summary, JSON and report. */
  static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};
  static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9", "p99.99"};

  private LatencySummary() {}

  /** count, min, mean, percentiles and max, in milliseconds, in that order; only the count when empty. */
  static Map<String, Object> of(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return m;
    }
    m.put("min", ms(h.getMinValue()));
    m.put("mean", round(h.getMean() / 1000.0));
    for (int i = 0; i < PERCENTILES.length; i++) {
      m.put(PERCENTILE_NAMES[i], round(LoadRecorder.millis(h, PERCENTILES[i])));
    }
    m.put("max", ms(h.getMaxValue()));
    return m;
  }

  private static double ms(long micros) {
    return round(micros / 1000.0);
  }

  /** Microsecond resolution is all a millisecond figure needs. */
  static double round(double millis) {
    return Math.round(millis * 1000.0) / 1000.0;
  }

  /** {@link #round}ed, or null (JSON's "no value") when there is none. */
  static Double orNull(double millis) {
    return Double.isNaN(millis) ? null : round(millis);
  }
}
