package dev.grpcpool.bench.compare;

/**
 * The outcome for one compared key.
 *
 * <p>Thread-safe (an enum).
 */
public enum Verdict {
  /** Worse by more than the threshold, and the statistical rule supports it. */
  REGRESSED,
  /** Better by more than the threshold, and the statistical rule supports it. */
  IMPROVED,
  /** The change is within the threshold. */
  UNCHANGED,
  /** The change exceeds the threshold but is inside the noise, or there is too little data to tell. */
  INCONCLUSIVE,
  /** In the baseline, not in the candidate. */
  MISSING,
  /** In the candidate, not in the baseline. */
  NEW;

  /** Lower-case label used in tables and JSON. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
