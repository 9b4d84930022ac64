package dev.grpcpool.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One figure of a JMH run (a primary score or a secondary metric of one {@link BenchmarkKey}) with the data the
 * comparison needs: the per-fork statistics from {@code rawData} / {@code rawDataHistogram} when JMH wrote them,
 * and JMH's own score and 99.9 % error (which may be NaN) as a fallback.
 *
 * <p>A normalized figure also carries the uncertainty of the factor it was divided by ({@link #scaleVariance}):
 * a disturbed reference must widen the comparison, not shift every figure into a false verdict.
 *
 * <p>Immutable and thread-safe.
 */
final class Measurement {

  private final BenchmarkKey key;
  private final String unit;
  private final List<SampleStats> forks;
  private final double jmhScore;
  private final double jmhError;
  private final String source;
  private final double scaleVariance;

  Measurement(BenchmarkKey key, String unit, List<SampleStats> forks, double jmhScore, double jmhError,
      String source) {
    this(key, unit, forks, jmhScore, jmhError, source, 0.0);
  }

  private Measurement(BenchmarkKey key, String unit, List<SampleStats> forks, double jmhScore, double jmhError,
      String source, double scaleVariance) {
    this.key = Objects.requireNonNull(key);
    this.unit = unit == null ? "" : unit;
    this.forks = List.copyOf(forks);
    this.jmhScore = jmhScore;
    this.jmhError = jmhError;
    this.source = source;
    this.scaleVariance = scaleVariance;
  }

  BenchmarkKey key() {
    return key;
  }

  String unit() {
    return unit;
  }

  Direction direction() {
    return Direction.fromUnit(unit);
  }

  /** Statistics of each fork's own measurement iterations (or samples, in {@code sample} mode). */
  List<SampleStats> forks() {
    return forks;
  }

  boolean hasRawData() {
    return !forks.isEmpty();
  }

  /**
   * One value per fork, its mean: the sample the Welch test uses. With a normalization factor of relative
   * variance v, the variance of the mean grows by center² · v (first-order error propagation of a ratio).
   */
  SampleStats forkMeans() {
    SampleStats s = SampleStats.EMPTY;
    for (SampleStats f : forks) {
      s = s.plus(f.mean(), 1);
    }
    return scaleVariance > 0 ? s.withExtraVarianceOfMean(s.mean() * s.mean() * scaleVariance) : s;
  }

  /** All iterations (or samples) of all forks together, as JMH pools them for its error. */
  SampleStats pooled() {
    SampleStats s = SampleStats.EMPTY;
    for (SampleStats f : forks) {
      s = s.combine(f);
    }
    return s;
  }

  /** The figure shown and compared: the mean of the fork means, or JMH's score without raw data. */
  double center() {
    if (!hasRawData()) {
      return jmhScore;
    }
    double sum = 0;
    for (SampleStats f : forks) {
      sum += f.mean();
    }
    return sum / forks.size();
  }

  /**
   * The median of the fork means (JMH's score without raw data): the center used for a normalization
   * reference, so that one disturbed fork does not rescale a whole run.
   */
  double robustCenter() {
    if (!hasRawData()) {
      return jmhScore;
    }
    double[] m = forks.stream().mapToDouble(SampleStats::mean).sorted().toArray();
    int n = m.length;
    return n % 2 == 1 ? m[n / 2] : (m[n / 2 - 1] + m[n / 2]) / 2;
  }

  double jmhScore() {
    return jmhScore;
  }

  /** JMH's 99.9 % confidence half-width; NaN when JMH could not compute it (a single iteration). */
  double jmhError() {
    return jmhError;
  }

  /** Relative variance of the normalization factor this figure was divided by; 0 when not normalized. */
  double scaleVariance() {
    return scaleVariance;
  }

  /** File the figure was read from (several, comma-separated, after a merge). */
  String source() {
    return source;
  }

  /** Both runs' forks as one measurement: every fork is an independent JVM, so repeated runs pool. */
  Measurement merge(Measurement other) {
    List<SampleStats> all = new ArrayList<>(forks);
    all.addAll(other.forks);
    // Without raw data the two errors cannot be pooled honestly; the larger one is kept.
    double error = Math.max(jmhError, other.jmhError);
    Measurement merged = new Measurement(key, unit, all, (jmhScore + other.jmhScore) / 2, error,
        source + ", " + other.source, Math.max(scaleVariance, other.scaleVariance));
    return all.isEmpty() ? merged : merged.withScore(merged.center());
  }

  /** Every value multiplied by {@code factor}. */
  Measurement scaled(double factor) {
    List<SampleStats> s = new ArrayList<>(forks.size());
    for (SampleStats f : forks) {
      s.add(f.scaled(factor));
    }
    return new Measurement(key, unit, s, jmhScore * factor, jmhError * Math.abs(factor), source, scaleVariance);
  }

  /** This figure divided by a factor whose relative variance is {@code relativeVariance}. */
  Measurement withScaleVariance(double relativeVariance) {
    return new Measurement(key, unit, forks, jmhScore, jmhError, source, relativeVariance);
  }

  /**
   * The same figure in another unit of the same kind ({@code ns/op} to {@code s/op}).
   *
   * @throws IllegalArgumentException if the units cannot be converted
   */
  Measurement converted(String toUnit) {
    double factor = Direction.conversion(unit, toUnit);
    if (Double.isNaN(factor)) {
      throw new IllegalArgumentException("cannot convert " + unit + " to " + toUnit);
    }
    Measurement m = factor == 1.0 ? this : scaled(factor);
    return new Measurement(key, toUnit, m.forks, m.jmhScore, m.jmhError, source, scaleVariance);
  }

  private Measurement withScore(double score) {
    return new Measurement(key, unit, forks, score, jmhError, source, scaleVariance);
  }

  @Override
  public String toString() {
    return key + " " + center() + " " + unit + " (" + forks.size() + " forks"
        + (scaleVariance > 0 ? ", scale ±" + Math.sqrt(scaleVariance) : "") + ")";
  }
}
