package dev.grpcpool.bench.load;

import org.HdrHistogram.Histogram;

/**
 * Calls, errors and latency of one part of a run: one backend or one channel.
 *
 * <p>Immutable.
 */
public final class GroupStats {
  private final String name;
  private final long ok;
  private final long errors;
  private final Histogram latency;

  GroupStats(String name, long ok, long errors, Histogram latency) {
    this.name = name;
    this.ok = ok;
    this.errors = errors;
    this.latency = latency;
  }

  public String name() {
    return name;
  }

  public long calls() {
    return ok + errors;
  }

  public long ok() {
    return ok;
  }

  public long errors() {
    return errors;
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
