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
 *
 * @param index 0 for the first second of the measurement
 * @param startOffsetNanos start of the interval, from the start of the measurement
 * @param endOffsetNanos end of the interval, from the start of the measurement
 * @param corrected latency of the calls that completed in this interval, from their intended start, in
 *     microseconds; in a closed-loop run there is no schedule and this equals {@code uncorrected}
 * @param uncorrected latency of the calls that completed in this interval, from their actual send (service time)
 */
public record IntervalSample(int index, long startOffsetNanos, long endOffsetNanos, long sent, long ok, long failed,
    Histogram corrected, Histogram uncorrected) {

  /** Corrected latency percentile in milliseconds, or NaN when no call ended. */
  public double correctedMillis(double percentile) {
    return LoadRecorder.millis(corrected, percentile);
  }
}
