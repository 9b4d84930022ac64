package dev.grpcpool.bench.load;

import org.HdrHistogram.Histogram;

/**
 * One interval (normally one second) of a load run: what was sent, what completed, and the latency histograms
 * of the calls that completed in it.
 *
 * <p>Calls are counted as sent in the interval in which they were sent, and as ok or failed (with their latency)
 * in the interval in which they completed; so a fault shows in the second it happened.
 *
 * <p>Immutable once published: the histograms must not be changed by readers.
 */
public final class IntervalSample {
  private final int index;
  private final long startOffsetNanos;
  private final long endOffsetNanos;
  private final long sent;
  private final long ok;
  private final long errors;
  private final long late;
  private final Histogram corrected;
  private final Histogram uncorrected;

  IntervalSample(int index, long startOffsetNanos, long endOffsetNanos, long sent, long ok, long errors,
      long late, Histogram corrected, Histogram uncorrected) {
    this.index = index;
    this.startOffsetNanos = startOffsetNanos;
    this.endOffsetNanos = endOffsetNanos;
    this.sent = sent;
    this.ok = ok;
    this.errors = errors;
    this.late = late;
    this.corrected = corrected;
    this.uncorrected = uncorrected;
  }

  /** 0 for the first second of the measurement. */
  public int index() {
    return index;
  }

  /** Start of the interval, from the start of the measurement. */
  public long startOffsetNanos() {
    return startOffsetNanos;
  }

  public long endOffsetNanos() {
    return endOffsetNanos;
  }

  public long sent() {
    return sent;
  }

  public long ok() {
    return ok;
  }

  public long errors() {
    return errors;
  }

  /** Calls sent in this interval later than their intended time by more than the late threshold. */
  public long late() {
    return late;
  }

  /**
   * Latency of the calls that completed in this interval, from their intended start, in microseconds. In a
   * closed-loop run there is no schedule and this equals
   * {@link #uncorrected()}.
   */
  public Histogram corrected() {
    return corrected;
  }

  /** Latency of the calls that completed in this interval, from their actual send (service time). */
  public Histogram uncorrected() {
    return uncorrected;
  }

  /** Corrected latency percentile in milliseconds, or 0 when no call completed. */
  public double correctedMillis(double percentile) {
    return LoadRecorder.millis(corrected, percentile);
  }
}
