package dev.grpcpool.bench.load;

import org.HdrHistogram.Histogram;

/**
 * Calls and latency of one part of a run, one backend or one channel: its measured calls ended ok, failed, or
 * were still unfinished when the run ended ({@code sent = ok + failed + unfinished}).
 *
 * <p>Immutable.
 *
 * @param name the backend or channel
 * @param latency latency of this group's calls (corrected in an open-loop run), in microseconds
 */
public record GroupStats(String name, long ok, long failed, long unfinished, Histogram latency) {

  /** Measured calls sent through it (for a backend: those known to have been meant for it). */
  public long sent() {
    return ok + failed + unfinished;
  }

  public double p50Millis() {
    return LoadRecorder.millis(latency, 50);
  }

  public double p99Millis() {
    return LoadRecorder.millis(latency, 99);
  }
}
