package dev.grpcpool.bench.compare;

/**
 * Settings of a comparison. Defaults: threshold 10 %, significance 0.01, Welch test from 3 forks per side,
 * no normalization, environment mismatch refused, latency advisory.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}.
 */
public final class CompareOptions {

  /** Default relative change a verdict needs (10 %). */
  public static final double DEFAULT_THRESHOLD = 0.10;
  /** Default significance level of the Welch test. */
  public static final double DEFAULT_ALPHA = 0.01;
  /** Default number of forks per side from which the Welch test is used instead of intervals. */
  public static final int DEFAULT_MIN_FORKS = 3;

  private final double threshold;
  private final double alpha;
  private final int minForks;
  private final String normalizeBy;
  private final boolean allowEnvMismatch;
  private final boolean gateLatency;

  private CompareOptions(Builder b) {
    this.threshold = b.threshold;
    this.alpha = b.alpha;
    this.minForks = b.minForks;
    this.normalizeBy = b.normalizeBy;
    this.allowEnvMismatch = b.allowEnvMismatch;
    this.gateLatency = b.gateLatency;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static CompareOptions defaults() {
    return builder().build();
  }

  /** Relative change (0.10 = 10 %) a change must exceed to be called. */
  public double threshold() {
    return threshold;
  }

  public double alpha() {
    return alpha;
  }

  public int minForks() {
    return minForks;
  }

  /** Reference benchmark spec, or null. */
  public String normalizeBy() {
    return normalizeBy;
  }

  public boolean allowEnvMismatch() {
    return allowEnvMismatch;
  }

  public boolean gateLatency() {
    return gateLatency;
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private double threshold = DEFAULT_THRESHOLD;
    private double alpha = DEFAULT_ALPHA;
    private int minForks = DEFAULT_MIN_FORKS;
    private String normalizeBy;
    private boolean allowEnvMismatch;
    private boolean gateLatency;

    private Builder() {}

    /**
     * @param fraction relative change a verdict needs, in (0, 10] (0.10 = 10 %)
     * @throws IllegalArgumentException outside that range
     */
    public Builder threshold(double fraction) {
      if (!(fraction > 0 && fraction <= 10)) {
        throw new IllegalArgumentException("threshold must be > 0 % and ≤ 1000 %, was " + fraction * 100 + " %");
      }
      this.threshold = fraction;
      return this;
    }

    /**
     * @param alpha significance level of the Welch test, in (0, 0.5]
     * @throws IllegalArgumentException outside that range
     */
    public Builder alpha(double alpha) {
      if (!(alpha > 0 && alpha <= 0.5)) {
        throw new IllegalArgumentException("alpha must be in (0, 0.5], was " + alpha);
      }
      this.alpha = alpha;
      return this;
    }

    /**
     * @param forks forks per side from which the Welch test is used, at least 2
     * @throws IllegalArgumentException below 2
     */
    public Builder minForks(int forks) {
      if (forks < 2) {
        throw new IllegalArgumentException("min forks must be at least 2, was " + forks);
      }
      this.minForks = forks;
      return this;
    }

    /**
     * @param spec reference benchmark: its name (fully qualified or {@code Class.method}), optionally followed by
     *     {@code ;param=value}, {@code ;mode=thrpt}, {@code ;threads=1} to pick one variant; null for none
     */
    public Builder normalizeBy(String spec) {
      this.normalizeBy = spec == null || spec.isBlank() ? null : spec.trim();
      return this;
    }

    public Builder allowEnvMismatch(boolean allow) {
      this.allowEnvMismatch = allow;
      return this;
    }

    public Builder gateLatency(boolean gate) {
      this.gateLatency = gate;
      return this;
    }

    public CompareOptions build() {
      return new CompareOptions(this);
    }
  }
}
