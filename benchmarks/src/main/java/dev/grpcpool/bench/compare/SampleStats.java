package dev.grpcpool.bench.compare;

/**
 * Count, mean and spread of a sample, combinable without keeping the values (Chan et al.'s parallel update),
 * so a fork's iterations, a fork's latency histogram and the pooled data of several forks share one type.
 *
 * <p>Immutable and thread-safe.
 */
final class SampleStats {

  static final SampleStats EMPTY = new SampleStats(0, 0.0, 0.0);

  private final long count;
  private final double mean;
  /** Sum of squared deviations from the mean. */
  private final double m2;

  private SampleStats(long count, double mean, double m2) {
    this.count = count;
    this.mean = mean;
    this.m2 = m2;
  }

  /** Statistics of the finite values in {@code values}; non-finite values are skipped. */
  static SampleStats of(double... values) {
    SampleStats s = EMPTY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        s = s.plus(v, 1);
      }
    }
    return s;
  }

  /** Adds {@code weight} occurrences of {@code value} (a histogram bucket). */
  SampleStats plus(double value, long weight) {
    if (weight <= 0 || !Double.isFinite(value)) {
      return this;
    }
    return combine(new SampleStats(weight, value, 0.0));
  }

  /** The statistics of both samples together. */
  SampleStats combine(SampleStats other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    long n = count + other.count;
    double delta = other.mean - mean;
    double newMean = mean + delta * other.count / n;
    double newM2 = m2 + other.m2 + delta * delta * ((double) count * other.count / n);
    return new SampleStats(n, newMean, newM2);
  }

  /** Every value multiplied by {@code factor} (a unit change or a normalization). */
  SampleStats scaled(double factor) {
    return count == 0 ? this : new SampleStats(count, mean * factor, m2 * factor * factor);
  }

  /**
   * The same values with the variance of their mean raised by {@code extra} (an independent error added on top,
   * e.g. that of a normalization factor); needs at least two values.
   */
  SampleStats withExtraVarianceOfMean(double extra) {
    if (count < 2 || !(extra > 0)) {
      return this;
    }
    // variance of the mean = m2 / (n (n - 1))
    return new SampleStats(count, mean, m2 + extra * count * (count - 1));
  }

  long count() {
    return count;
  }

  double mean() {
    return count == 0 ? Double.NaN : mean;
  }

  /** Unbiased sample variance; NaN with fewer than two values. */
  double variance() {
    return count < 2 ? Double.NaN : m2 / (count - 1);
  }

  double stdDev() {
    return Math.sqrt(variance());
  }

  /**
   * Half-width of the two-sided confidence interval of the mean at {@code confidence} (e.g. 0.999, JMH's
   * level), from Student's t with n − 1 degrees of freedom; NaN with fewer than two values.
   */
  double confidenceHalfWidth(double confidence) {
    if (count < 2) {
      return Double.NaN;
    }
    double t = StudentT.quantile(0.5 + confidence / 2.0, count - 1);
    return t * stdDev() / Math.sqrt(count);
  }
}
