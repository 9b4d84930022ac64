package dev.grpcpool.bench.load;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured: counts, errors by status, latency of every call (from the intended start and from the
 * actual send), one sample per second, and per-backend and per-channel figures.
 *
 * <p>Immutable; the histograms must not be changed by readers.
 */
public final class LoadResult {
  private final LoadSpec spec;
  private final long measuredNanos;
  private final long intended;
  private final long sent;
  private final long ok;
  private final long errors;
  private final long late;
  private final long missed;
  private final long maxLagNanos;
  private final long unfinished;
  private final boolean interrupted;
  private final Map<String, Long> errorsByStatus;
  private final Histogram corrected;
  private final Histogram uncorrected;
  private final List<IntervalSample> intervals;
  private final Map<String, GroupStats> backends;
  private final Map<String, GroupStats> channels;
  private final long startEpochMillis;

  LoadResult(LoadSpec spec, long measuredNanos, long startEpochMillis, long[] counters, long intended,
      long missed, long maxLagNanos, long unfinished, boolean interrupted, Map<String, Long> errorsByStatus,
      Histogram corrected, Histogram uncorrected, List<IntervalSample> intervals,
      Map<String, GroupStats> backends, Map<String, GroupStats> channels) {
    this.spec = spec;
    this.measuredNanos = measuredNanos;
    this.startEpochMillis = startEpochMillis;
    this.sent = counters[0];
    this.ok = counters[1];
    this.errors = counters[2];
    this.late = counters[3];
    this.intended = intended;
    this.missed = missed;
    this.maxLagNanos = maxLagNanos;
    this.unfinished = unfinished;
    this.interrupted = interrupted;
    this.errorsByStatus = Map.copyOf(errorsByStatus);
    this.corrected = corrected;
    this.uncorrected = uncorrected;
    this.intervals = List.copyOf(intervals);
    this.backends = backends;
    this.channels = channels;
  }

  public LoadSpec spec() {
    return spec;
  }

  /** The measured time: from the end of the warm-up to the end of the schedule (or the stop). */
  public long measuredNanos() {
    return measuredNanos;
  }

  public long startEpochMillis() {
    return startEpochMillis;
  }

  /** Completed calls (ok and failed) per second of measured time. */
  public double achievedRate() {
    return measuredNanos == 0 ? 0 : (ok + errors) * 1e9 / measuredNanos;
  }

  /** Open loop: calls the schedule asked for during the measurement; closed loop: equal to {@link #sent}. */
  public long intended() {
    return intended;
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

  /** Calls sent later than their intended time by more than the late threshold. */
  public long late() {
    return late;
  }

  /** Calls the schedule asked for that were never sent because the run ended first (open loop only). */
  public long missed() {
    return missed;
  }

  /** The longest a send fell behind its intended time. */
  public long maxLagNanos() {
    return maxLagNanos;
  }

  /** Calls still in flight when the run gave up waiting for them (not recorded). */
  public long unfinished() {
    return unfinished;
  }

  /** True when the run was stopped before its duration ended. */
  public boolean interrupted() {
    return interrupted;
  }

  /** Failed calls by gRPC status code name. */
  public Map<String, Long> errorsByStatus() {
    return errorsByStatus;
  }

  /** Latency from each call's intended start (coordinated omission corrected), in microseconds. */
  public Histogram corrected() {
    return corrected;
  }

  /** Latency from each call's actual send (service time), in microseconds. */
  public Histogram uncorrected() {
    return uncorrected;
  }

  public List<IntervalSample> intervals() {
    return intervals;
  }

  /** By the backend id the server reported (or the backend behind the call's channel, for failed calls). */
  public Map<String, GroupStats> backends() {
    return backends;
  }

  /** By channel label, when the channels were labelled with {@link ChannelLabels}. */
  public Map<String, GroupStats> channels() {
    return channels;
  }
}
