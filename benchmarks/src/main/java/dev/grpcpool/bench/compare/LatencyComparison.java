package dev.grpcpool.bench.compare;

/**
 * The comparison of one latency percentile of one recorded distribution (an {@code .hlog} or {@code .hgrm}
 * file matched by name in both runs). Lower is better.
 *
 * <p>Immutable and thread-safe.
 */
public final class LatencyComparison {

  private final String name;
  private final String percentile;
  private final String format;
  private final double baseline;
  private final double candidate;
  private final Verdict verdict;
  private final Rule rule;
  private final double pValue;
  private final String detail;

  LatencyComparison(String name, String percentile, String format, double baseline, double candidate,
      Verdict verdict, Rule rule, double pValue, String detail) {
    this.name = name;
    this.percentile = percentile;
    this.format = format;
    this.baseline = baseline;
    this.candidate = candidate;
    this.verdict = verdict;
    this.rule = rule;
    this.pValue = pValue;
    this.detail = detail;
  }

  /** File path relative to the run folder, without extension. */
  public String name() {
    return name;
  }

  /** {@code p50}, {@code p99}, {@code p99.9}; {@code -} for a file present on one side only. */
  public String percentile() {
    return percentile;
  }

  /** {@code hlog} or {@code hgrm}: where the values came from (and so their unit). */
  public String format() {
    return format;
  }

  public double baseline() {
    return baseline;
  }

  public double candidate() {
    return candidate;
  }

  public double change() {
    return baseline > 0 ? (candidate - baseline) / baseline : Double.NaN;
  }

  public Verdict verdict() {
    return verdict;
  }

  public Rule rule() {
    return rule;
  }

  public double pValue() {
    return pValue;
  }

  public String detail() {
    return detail;
  }
}
