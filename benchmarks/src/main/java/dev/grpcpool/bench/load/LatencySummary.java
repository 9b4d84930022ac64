package dev.grpcpool.bench.load;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.HdrHistogram.Histogram;

/**
 * The latency figures a load run reports for one histogram: count, min, mean, p50, p90, p99, p99.9, p99.99 and
 * max, in milliseconds rounded to the microsecond. An empty histogram has a count and nothing else: no percentile
 * of nothing (the other figures are null and left out of the JSON).
 *
 * <p>Immutable and thread-safe.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record LatencySummary(long count, Double min, Double mean, Double p50, Double p90, Double p99,
    @JsonProperty("p99.9") Double p999, @JsonProperty("p99.99") Double p9999, Double max) {

  /** The figures of {@code h} (microseconds). */
  static LatencySummary of(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new LatencySummary(0, null, null, null, null, null, null, null, null);
    }
    return new LatencySummary(h.getTotalCount(), ms(h.getMinValue()), round(h.getMean() / 1000.0),
        percentile(h, 50), percentile(h, 90), percentile(h, 99), percentile(h, 99.9), percentile(h, 99.99),
        ms(h.getMaxValue()));
  }

  private static double percentile(Histogram h, double percentile) {
    return round(LoadRecorder.millis(h, percentile));
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
