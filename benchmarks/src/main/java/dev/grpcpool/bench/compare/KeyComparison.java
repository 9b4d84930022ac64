package dev.grpcpool.bench.compare;

/**
 * The comparison of one {@link BenchmarkKey}: both figures, the change, the verdict and the rule that decided it.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeyComparison {

  private final BenchmarkKey key;
  private final String unit;
  private final Direction direction;
  private final Side baseline;
  private final Side candidate;
  private final Verdict verdict;
  private final Rule rule;
  private final double pValue;
  private final String detail;

  KeyComparison(BenchmarkKey key, String unit, Direction direction, Side baseline, Side candidate,
      Verdict verdict, Rule rule, double pValue, String detail) {
    this.key = key;
    this.unit = unit;
    this.direction = direction;
    this.baseline = baseline;
    this.candidate = candidate;
    this.verdict = verdict;
    this.rule = rule;
    this.pValue = pValue;
    this.detail = detail;
  }

  public BenchmarkKey key() {
    return key;
  }

  /** Unit of both figures (the candidate's is converted when JMH was run with another time unit). */
  public String unit() {
    return unit;
  }

  public Direction direction() {
    return direction;
  }

  /** Baseline figure; null when {@link Verdict#NEW}. */
  public Side baseline() {
    return baseline;
  }

  /** Candidate figure; null when {@link Verdict#MISSING}. */
  public Side candidate() {
    return candidate;
  }

  public Verdict verdict() {
    return verdict;
  }

  public Rule rule() {
    return rule;
  }

  /** Welch p-value, NaN when the Welch test was not used. */
  public double pValue() {
    return pValue;
  }

  /** Why the rule decided as it did, e.g. {@code p=0.0004 < 0.01 (5 vs 5 forks)} or {@code within ±10%}. */
  public String detail() {
    return detail;
  }

  /** (candidate − baseline) / |baseline|, NaN when a side is absent. */
  public double change() {
    if (baseline == null || candidate == null || baseline.score() == 0) {
      return Double.NaN;
    }
    return (candidate.score() - baseline.score()) / Math.abs(baseline.score());
  }

  /**
   * One side's figure: the score compared, the 99.9 % interval half-width shown beside it, and each fork's own
   * mean in the order the forks were read.
   */
  public static final class Side {
    private final double score;
    private final double error;
    private final double[] forkMeans;

    Side(double score, double error, double[] forkMeans) {
      this.score = score;
      this.error = error;
      this.forkMeans = forkMeans.clone();
    }

    public double score() {
      return score;
    }

    /** Half-width of the 99.9 % confidence interval (NaN when unknown). */
    public double error() {
      return error;
    }

    /** Forks with raw data (0 when JMH wrote none). */
    public int forks() {
      return forkMeans.length;
    }

    /** Each fork's mean, in the unit of {@link #score()} (empty when JMH wrote no raw data). */
    public double[] forkMeans() {
      return forkMeans.clone();
    }
  }
}
