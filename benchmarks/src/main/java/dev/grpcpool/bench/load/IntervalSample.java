package dev.grpcpool.bench.load;

import org.HdrHistogram.Histogram;

/**
 * One interval (normally one second) of a load run by completion: what was sent in it, what ended in it, and the
 * latency histograms of the calls that ended in it. This is the view of the {@code .hlog} interval logs; the
 * view by intended start is {@link IntendedTimeline}.
 *
 * <p>Calls are counted as sent in the interval in which they were sent, and as ok or failed (with their latency)
 * in the interval in which they ended.
 *
 * <p>Immutable once published: the histograms must not be changed by readers.
 */
public final class IntervalSample {
  private final int index;
  private final long startOffsetNanos;
  private final long endOffsetNanos;
  private final long sent;
  private final long ok;
  private final long failed;
  private final Histogram corrected;
  private final Histogram uncorrected;

  IntervalSample(int index, long startOffsetNanos, long endOffsetNanos, long sent, long ok, long failed,
      Histogram corrected, Histogram uncorrected) {
    this.index = index;
    this.startOffsetNanos = startOffsetNanos;
    this.endOffsetNanos = endOffsetNanos;
    this.sent = sent;
    this.ok = ok;
    this.failed = failed;
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

  public long failed() {
    return failed;
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

  /** Corrected latency percentile in milliseconds, or NaN when no call ended. */
  public double correctedMillis(double percentile) {
    return LoadRecorder.millis(corrected, percentile);
  }
}
