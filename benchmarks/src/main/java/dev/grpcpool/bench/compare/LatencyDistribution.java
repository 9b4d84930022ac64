package dev.grpcpool.bench.compare;

import java.util.List;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.DoubleHistogram;
import org.HdrHistogram.DoubleHistogramIterationValue;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A recorded latency distribution as cumulative counts by value, read from an {@code .hlog} (whole run plus
 * its intervals) or an {@code .hgrm} percentile table (whole run only). Values are in whatever unit the file
 * was written in; two distributions are only compared when read from the same kind of file.
 *
 * <p>Immutable and thread-safe.
 */
final class LatencyDistribution {

  private final double[] values;
  private final long[] cumulative;
  private final List<LatencyDistribution> intervals;

  LatencyDistribution(double[] values, long[] cumulative, List<LatencyDistribution> intervals) {
    if (values.length != cumulative.length) {
      throw new IllegalArgumentException("values and counts differ in length");
    }
    this.values = values.clone();
    this.cumulative = cumulative.clone();
    this.intervals = List.copyOf(intervals);
  }

  static LatencyDistribution of(AbstractHistogram h, List<LatencyDistribution> intervals) {
    int n = 0;
    for (HistogramIterationValue ignored : h.recordedValues()) {
      n++;
    }
    double[] v = new double[n];
    long[] c = new long[n];
    int i = 0;
    long total = 0;
    for (HistogramIterationValue x : h.recordedValues()) {
      total += x.getCountAtValueIteratedTo();
      v[i] = h.highestEquivalentValue(x.getValueIteratedTo());
      c[i++] = total;
    }
    return new LatencyDistribution(v, c, intervals);
  }

  static LatencyDistribution of(DoubleHistogram h, List<LatencyDistribution> intervals) {
    int n = 0;
    for (DoubleHistogramIterationValue ignored : h.recordedValues()) {
      n++;
    }
    double[] v = new double[n];
    long[] c = new long[n];
    int i = 0;
    long total = 0;
    for (DoubleHistogramIterationValue x : h.recordedValues()) {
      total += x.getCountAtValueIteratedTo();
      v[i] = h.highestEquivalentValue(x.getValueIteratedTo());
      c[i++] = total;
    }
    return new LatencyDistribution(v, c, intervals);
  }

  long totalCount() {
    return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
  }

  /** The smallest recorded value with at least {@code rank} values at or below it (rank from 1). */
  double valueAtRank(long rank) {
    if (cumulative.length == 0) {
      return Double.NaN;
    }
    long r = Math.max(1, Math.min(rank, totalCount()));
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] >= r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return values[lo];
  }

  /** The value at quantile {@code q} in (0, 1]: the value of rank ⌈q·n⌉. */
  double valueAtQuantile(double q) {
    return valueAtRank((long) Math.ceil(q * totalCount()));
  }

  /** The run's interval distributions ({@code .hlog} only; empty for {@code .hgrm}). */
  List<LatencyDistribution> intervals() {
    return intervals;
  }
}
