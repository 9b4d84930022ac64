package dev.grpcpool.bench.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured, and its {@link RunVerdict}.
 *
 * <p>The counts always add up: {@code intended = sent + missed} (open loop) and
 * {@code sent = ok + failed + unfinished}; the failures by status sum to {@code failed}; per channel and per
 * second of intended start the same holds. The achieved rate is the rate of <em>successful</em> calls.
 *
 * <p>Immutable; the histograms must not be changed by readers.
 */
public final class LoadResult {

  /** Failures with one status code, and the description of the first one seen. */
  public record StatusCount(long count, String sample) {}

  /**
   * How late the sends were and why.
   *
   * @param sendCeiling calls per second one thread could start against a do-nothing channel, measured before a
   *     run at a high rate ({@link SendCeiling}); NaN when not measured
   */
  public record Lag(long late, long waitingForSlot, long generatorBehind, long maxLagNanos, double sendCeiling) {}

  /**
   * Calls in flight (measured or not) when the measurement started and when its sending ended: a queue that grows
   * between the two means the target served fewer calls than were sent.
   */
  public record Backlog(long atStart, long atEnd) {
    public long growth() {
      return atEnd - atStart;
    }
  }

  /** The measured counts; see the class comment for how they add up. */
  public record Counts(long intended, long sent, long ok, long failed, long unfinished, long missed,
      long missedByGenerator) {}

  private final LoadSpec spec;
  private final long measuredNanos;
  private final long startEpochMillis;
  private final String warmup;
  private final Counts counts;
  private final Lag lag;
  private final Backlog backlog;
  private final boolean interrupted;
  private final Map<String, StatusCount> failedByStatus;
  private final Histogram corrected;
  private final Histogram uncorrected;
  private final List<IntervalSample> intervals;
  private final List<IntendedTimeline.Row> timeline;
  private final Map<String, GroupStats> backends;
  private final Map<String, GroupStats> channels;
  private final List<ClockProbe.Offset> clocks;
  private final RunVerdict verdict;

  LoadResult(LoadSpec spec, long measuredNanos, long startEpochMillis, String warmup, Counts counts, Lag lag,
      Backlog backlog, boolean interrupted, Map<String, StatusCount> failedByStatus, Histogram corrected, Histogram uncorrected,
      List<IntervalSample> intervals, List<IntendedTimeline.Row> timeline, Map<String, GroupStats> backends,
      Map<String, GroupStats> channels, List<ClockProbe.Offset> clocks) {
    this.spec = spec;
    this.measuredNanos = measuredNanos;
    this.startEpochMillis = startEpochMillis;
    this.warmup = warmup;
    this.counts = counts;
    this.lag = lag;
    this.backlog = backlog;
    this.interrupted = interrupted;
    this.failedByStatus = Collections.unmodifiableMap(new LinkedHashMap<>(failedByStatus));
    this.corrected = corrected;
    this.uncorrected = uncorrected;
    this.intervals = List.copyOf(intervals);
    this.timeline = List.copyOf(timeline);
    this.backends = Collections.unmodifiableMap(new TreeMap<>(backends));
    this.channels = Collections.unmodifiableMap(new TreeMap<>(channels));
    this.clocks = List.copyOf(clocks);
    this.verdict = RunVerdict.judge(this);
  }

  public LoadSpec spec() {
    return spec;
  }

  /** Whether the target held the load and the figures can be trusted, with the reasons when not. */
  public RunVerdict verdict() {
    return verdict;
  }

  /** The measured time: from the end of the warm-up to the end of the schedule (or the stop). */
  public long measuredNanos() {
    return measuredNanos;
  }

  public long startEpochMillis() {
    return startEpochMillis;
  }

  /** What the warm-up did, in words. */
  public String warmup() {
    return warmup;
  }

  public Counts counts() {
    return counts;
  }

  /** Successful calls per second of measured time: the rate the target actually served. */
  public double achievedRate() {
    return okRate();
  }

  public double okRate() {
    return perSecond(counts.ok());
  }

  public double sentRate() {
    return perSecond(counts.sent());
  }

  public double failedRate() {
    return perSecond(counts.failed());
  }

  private double perSecond(long n) {
    return measuredNanos == 0 ? 0 : n * 1e9 / measuredNanos;
  }

  /** Open loop: calls the schedule asked for during the measurement; closed loop: equal to {@link #sent}. */
  public long intended() {
    return counts.intended();
  }

  public long sent() {
    return counts.sent();
  }

  public long ok() {
    return counts.ok();
  }

  public long failed() {
    return counts.failed();
  }

  /** Calls sent but neither ok nor failed when the run stopped waiting for them. */
  public long unfinished() {
    return counts.unfinished();
  }

  /** Calls the schedule asked for that were never sent because the run ended first (open loop only). */
  public long missed() {
    return counts.missed();
  }

  /** Of {@link #missed}, those the generator did not get to with a slot free. */
  public long missedByGenerator() {
    return counts.missedByGenerator();
  }

  public Lag lag() {
    return lag;
  }

  public Backlog backlog() {
    return backlog;
  }

  /** Sends later than their intended time by more than the late threshold. */
  public long late() {
    return lag.late();
  }

  /** Of {@link #late}, sends that waited for a free slot: back-pressure of the target. */
  public long lateWaitingForSlot() {
    return lag.waitingForSlot();
  }

  /** Sends more than 10 ms behind the schedule with a slot free: the generator's own lag. */
  public long generatorBehind() {
    return lag.generatorBehind();
  }

  /** The longest a send fell behind its intended time. */
  public long maxLagNanos() {
    return lag.maxLagNanos();
  }

  /** True when the run was stopped before its duration ended. */
  public boolean interrupted() {
    return interrupted;
  }

  /** Failed calls by gRPC status code name, in code order; the counts sum to {@link #failed}. */
  public Map<String, StatusCount> failedByStatus() {
    return failedByStatus;
  }

  /** Latency from each call's intended start (coordinated omission corrected), in microseconds. */
  public Histogram corrected() {
    return corrected;
  }

  /** Latency from each call's actual send (service time), in microseconds. */
  public Histogram uncorrected() {
    return uncorrected;
  }

  /** One sample per second of completion (the view of the interval logs). */
  public List<IntervalSample> intervals() {
    return intervals;
  }

  /** One row per second of intended start. */
  public List<IntendedTimeline.Row> timeline() {
    return timeline;
  }

  /** By the backend id the server reported (or the backend behind the call's channel). */
  public Map<String, GroupStats> backends() {
    return backends;
  }

  /** By channel label, when the channels were labelled with {@link ChannelLabels}. */
  public Map<String, GroupStats> channels() {
    return channels;
  }

  /** The backends' clocks against this process's, read before a run with a shared start; empty otherwise. */
  public List<ClockProbe.Offset> clocks() {
    return clocks;
  }
}
