package dev.grpcpool.bench.compare;

/**
 * The rule that decided a {@link Verdict}, reported beside it so a reader can judge the call.
 *
 * <p>Thread-safe (an enum).
 */
public enum Rule {
  /** Welch's t-test on the per-fork means (each fork one sample), enough forks on both sides. */
  WELCH("welch"),
  /**
   * Too few forks for a test: the 99.9 % confidence intervals of the pooled iterations must not overlap. Pooling
   * iterations overstates confidence, which is why the intervals are wide and must be fully apart.
   */
  INTERVALS("intervals"),
  /** No raw data: JMH's own score ± error intervals must not overlap. */
  JMH_ERROR("jmh-error"),
  /** The change is no larger than the threshold. */
  THRESHOLD("threshold"),
  /** Allocation figures less than one byte per operation apart (both effectively allocation-free). */
  ALLOCATION_FLOOR("alloc-floor"),
  /** Not enough values to form any interval, no score, or incomparable units. */
  TOO_LITTLE_DATA("too-little-data"),
  /** Present on one side only. */
  ONE_SIDED("one-sided");

  private final String label;

  Rule(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
