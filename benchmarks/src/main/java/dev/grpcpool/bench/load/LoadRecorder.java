package dev.grpcpool.bench.load;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * Records every measured call of a load run, without sampling, so that its counts always add up: every call
 * counted as sent is, when the run ends, exactly one of ok, failed or unfinished — in total, per status, per
 * channel and per second of its intended start.
 *
 * <p>What it keeps: counters; failures by status with a sample description; two HdrHistogram {@link Recorder}s
 * (latency from the intended start and from the actual send) whose interval histograms are taken once per
 * second of completion ({@link #roll}); the {@link IntendedTimeline}; per-channel and per-backend counts and
 * latency; and how late the sends were, split by cause.
 *
 * <p>Which calls count: those meant to start inside the measurement ({@link #startMeasuring}), decided once when
 * the call is sent ({@link #sent}). At the end, {@link #freeze} takes the final snapshot: recording happens inside
 * the write side of a {@link WriterReaderPhaser}, and {@code freeze} flips the phase after setting a flag, so that
 * when it returns every record has either fully happened or will never happen. A call ending after the freeze
 * stays unfinished.
 *
 * <p>Thread-safe: any number of threads record (wait-free but for the first record of a new channel, backend or
 * status); one thread at a time calls {@link #roll} and {@link #freeze} (the generator's ticker, then its driver).
 */
final class LoadRecorder {

  /** Values are recorded in microseconds. */
  static final TimeUnit UNIT = TimeUnit.MICROSECONDS;

  /**
   * Three significant digits: a value is known to within 0.1 %. The histograms auto-resize, so any latency from
   * 1 µs up to the longest deadline fits, and a histogram is only as big as its largest value needs.
   */
  static final int SIGNIFICANT_DIGITS = 3;

  /**
   * A send later than this behind its schedule, with a slot free, means the generator itself could not keep the
   * schedule (its thread was starved, or the rate is more than it can send).
   */
  static final long GENERATOR_LAG_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final WriterReaderPhaser phaser = new WriterReaderPhaser();
  private volatile boolean frozen;
  private volatile long measureStartNanos = Long.MAX_VALUE;
  private volatile long measureEndNanos = Long.MAX_VALUE;
  private volatile long epochMillisAtStart;
  private volatile IntendedTimeline timeline;
  private final long lateThresholdNanos;

  private final LongAdder sent = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final LongAdder lateWaitingForSlot = new LongAdder();
  private final LongAdder generatorBehind = new LongAdder();
  private final LongAccumulator maxLag = new LongAccumulator(Math::max, 0);
  private final Map<Status.Code, StatusTally> byStatus = new ConcurrentHashMap<>();
  private final Map<String, Group> channels = new ConcurrentHashMap<>();
  private final Map<String, Group> backends = new ConcurrentHashMap<>();
  private final Recorder corrected = new Recorder(SIGNIFICANT_DIGITS);
  private final Recorder uncorrected = new Recorder(SIGNIFICANT_DIGITS);

  // Completion view, touched by the rolling thread only.
  private long intervalStartNanos;
  private long previousOk;
  private long previousFailed;
  private long previousSent;
  private final List<IntervalSample> intervals = new ArrayList<>();
  private final Histogram correctedTotal = newHistogram();
  private final Histogram uncorrectedTotal = newHistogram();

  LoadRecorder(long lateThresholdNanos) {
    this.lateThresholdNanos = lateThresholdNanos;
  }

  static Histogram newHistogram() {
    return new Histogram(SIGNIFICANT_DIGITS);
  }

  /**
   * Sets the measured window: calls meant to start in {@code [startNanos, endNanos)} count. Called once, before
   * any call meant to start in it is sent.
   */
  synchronized void startMeasuring(long startNanos, long endNanos) {
    timeline = new IntendedTimeline(startNanos, endNanos - startNanos);
    intervalStartNanos = startNanos;
    epochMillisAtStart = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(startNanos - System.nanoTime());
    measureEndNanos = endNanos;
    measureStartNanos = startNanos;
  }

  long measureStartNanos() {
    return measureStartNanos;
  }

  /**
   * Counts a call as sent if it is meant to start inside the measurement, and marks it measured.
   *
   * @param lagNanos how far behind its intended start it was sent
   * @param waitedForSlot whether the lag is back-pressure (it waited for a free slot) rather than the generator's
   * @return whether the call is measured
   */
  boolean sent(LoadCall call, long lagNanos, boolean waitedForSlot) {
    long phase = phaser.writerCriticalSectionEnter();
    try {
      long intended = call.intendedNanos();
      if (frozen || intended < measureStartNanos || intended >= measureEndNanos) {
        return false;
      }
      call.markMeasured();
      sent.increment();
      timeline.sent(intended);
      maxLag.accumulate(lagNanos);
      if (lagNanos > lateThresholdNanos) {
        late.increment();
        if (waitedForSlot) {
          lateWaitingForSlot.increment();
        }
      }
      if (!waitedForSlot && lagNanos > GENERATOR_LAG_BOUND_NANOS) {
        generatorBehind.increment();
      }
      return true;
    } finally {
      phaser.writerCriticalSectionExit(phase);
    }
  }

  /** Counts a measured call in flight on its channel and backend, once its channel is known. */
  void labelled(LoadCall call) {
    if (!call.measured()) {
      return;
    }
    long phase = phaser.writerCriticalSectionEnter();
    try {
      if (frozen) {
        return;
      }
      call.markCounted();
      group(channels, call.channel()).inFlight.incrementAndGet();
      if (call.channelBackend() != null) {
        group(backends, call.channelBackend()).inFlight.incrementAndGet();
      }
    } finally {
      phaser.writerCriticalSectionExit(phase);
    }
  }

  /** Records the end of one measured call; does nothing for other calls or after {@link #freeze}. */
  void completed(LoadCall call, Status status, long endNanos) {
    if (!call.measured()) {
      return;
    }
    long phase = phaser.writerCriticalSectionEnter();
    try {
      if (frozen) {
        return;
      }
      long correctedMicros = toMicros(endNanos - call.intendedNanos());
      corrected.recordValue(correctedMicros);
      uncorrected.recordValue(toMicros(endNanos - call.sentNanos()));
      boolean success = status.isOk();
      if (success) {
        ok.increment();
      } else {
        failed.increment();
        byStatus.computeIfAbsent(status.getCode(), c -> new StatusTally(status.getDescription())).count.increment();
      }
      timeline.ended(call.intendedNanos(), success ? null : status.getCode(), correctedMicros);
      if (call.counted()) {
        Group c = group(channels, call.channel());
        c.record(success, correctedMicros);
        c.inFlight.decrementAndGet();
        if (call.channelBackend() != null) {
          group(backends, call.channelBackend()).inFlight.decrementAndGet();
        }
      }
      String backend = call.backend();
      if (backend != null) {
        group(backends, backend).record(success, correctedMicros);
      }
    } finally {
      phaser.writerCriticalSectionExit(phase);
    }
  }

  private static Group group(Map<String, Group> groups, String key) {
    Group g = groups.get(key);
    return g != null ? g : groups.computeIfAbsent(key, k -> new Group());
  }

  /**
   * Ends recording: when this returns, no record is in progress and none will be made. Idempotent.
   */
  void freeze() {
    frozen = true;
    phaser.readerLock();
    try {
      phaser.flipPhase();
    } finally {
      phaser.readerUnlock();
    }
  }

  /** Closes the current completion interval at {@code nanoTime} and returns it; adds it to the totals. */
  synchronized IntervalSample roll(long nanoTime) {
    Histogram c = corrected.getIntervalHistogram();
    Histogram u = uncorrected.getIntervalHistogram();
    long start = intervalStartNanos;
    for (Histogram h : List.of(c, u)) {
      h.setStartTimeStamp(epochMillis(start));
      h.setEndTimeStamp(epochMillis(nanoTime));
    }
    long s = sent.sum();
    long o = ok.sum();
    long f = failed.sum();
    IntervalSample sample = new IntervalSample(intervals.size(), start - measureStartNanos,
        nanoTime - measureStartNanos, s - previousSent, o - previousOk, f - previousFailed, c, u);
    previousSent = s;
    previousOk = o;
    previousFailed = f;
    intervals.add(sample);
    correctedTotal.add(c);
    uncorrectedTotal.add(u);
    intervalStartNanos = nanoTime;
    return sample;
  }

  synchronized List<IntervalSample> intervals() {
    return Collections.unmodifiableList(new ArrayList<>(intervals));
  }

  /** Copy of the corrected latency of all rolled intervals. */
  synchronized Histogram correctedTotal() {
    return correctedTotal.copy();
  }

  synchronized Histogram uncorrectedTotal() {
    return uncorrectedTotal.copy();
  }

  long epochMillisAtStart() {
    return epochMillisAtStart;
  }

  long sent() {
    return sent.sum();
  }

  long ok() {
    return ok.sum();
  }

  long failed() {
    return failed.sum();
  }

  long late() {
    return late.sum();
  }

  long lateWaitingForSlot() {
    return lateWaitingForSlot.sum();
  }

  long generatorBehind() {
    return generatorBehind.sum();
  }

  long maxLagNanos() {
    return maxLag.get();
  }

  /** The rows of the intended-start timeline; empty before the measurement started. */
  List<IntendedTimeline.Row> timeline() {
    IntendedTimeline t = timeline;
    return t == null ? List.of() : t.rows();
  }

  /** Failed calls by status code, in the order of the codes, each with the first description seen. */
  Map<String, LoadResult.StatusCount> failedByStatus() {
    Map<Status.Code, StatusTally> byCode = new EnumMap<>(Status.Code.class);
    byCode.putAll(byStatus);
    Map<String, LoadResult.StatusCount> out = new LinkedHashMap<>();
    byCode.forEach((code, t) -> out.put(code.name(), new LoadResult.StatusCount(t.count.sum(), t.sample)));
    return out;
  }

  Map<String, GroupStats> backends() {
    return snapshot(backends);
  }

  Map<String, GroupStats> channels() {
    return snapshot(channels);
  }

  private static Map<String, GroupStats> snapshot(Map<String, Group> groups) {
    Map<String, GroupStats> out = new TreeMap<>();
    groups.forEach((name, g) -> out.put(name,
        new GroupStats(name, g.ok.sum(), g.failed.sum(), Math.max(0, g.inFlight.get()), g.latencyCopy())));
    return out;
  }

  private long epochMillis(long nanoTime) {
    return epochMillisAtStart + TimeUnit.NANOSECONDS.toMillis(nanoTime - measureStartNanos);
  }

  static long toMicros(long nanos) {
    // A latency below 1 µs still counts as one recorded value.
    return Math.max(1, nanos / 1000);
  }

  /** A percentile of a microsecond histogram in milliseconds, or NaN for an empty histogram. */
  static double millis(Histogram h, double percentile) {
    if (h.getTotalCount() == 0) {
      return Double.NaN;
    }
    return h.getValueAtPercentile(percentile) / 1000.0;
  }

  /** Failures of one status code and the first description seen with it. */
  private static final class StatusTally {
    final LongAdder count = new LongAdder();
    final String sample;

    StatusTally(String sample) {
      this.sample = sample;
    }
  }

  /** Calls, latency and measured calls in flight of one backend or channel; recording is thread-safe. */
  private static final class Group {
    final LongAdder ok = new LongAdder();
    final LongAdder failed = new LongAdder();
    final AtomicLong inFlight = new AtomicLong();
    final ConcurrentHistogram latency = new ConcurrentHistogram(SIGNIFICANT_DIGITS);

    void record(boolean success, long micros) {
      (success ? ok : failed).increment();
      latency.recordValue(micros);
    }

    Histogram latencyCopy() {
      Histogram h = newHistogram();
      h.add(latency);
      return h;
    }
  }
}
