package dev.grpcpool.bench.load;

import org.HdrHistogram.Histogram;

/**
 * Calls and latency of one part of a run, one backend or one channel: its measured calls ended ok, failed, or
 * were still unfinished when the run ended ({@code sent = ok + failed + unfinished}).
 *
 * <p>Immutable.
 */
public final class GroupStats {
  private final String name;
  private final long ok;
  private final long failed;
  private final long unfinished;
  private final Histogram latency;

  GroupStats(String name, long ok, long failed, long unfinished, Histogram latency) {
    this.name = name;
    this.ok = ok;
    this.failed = failed;
    this.unfinished = unfinished;
    this.latency = latency;
  }

  public String name() {
    return name;
  }

  /** Measured calls sent through it (for a backend: those known to have been meant for it). */
  public long sent() {
    return ok + failed + unfinished;
  }

  public long ok() {
    return ok;
  }

  public long failed() {
    return failed;
  }

  public long unfinished() {
    return unfinished;
  }

  /** Latency of this group's calls (corrected in an open-loop run), in microseconds. */
  public Histogram latency() {
    return latency;
  }

  public double p50Millis() {
    return LoadRecorder.millis(latency, 50);
  }

  public double p99Millis() {
    return LoadRecorder.millis(latency, 99);
  }
}
