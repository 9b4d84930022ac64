package dev.grpcpool.bench.load;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records every call of a load run, without sampling: two HdrHistogram {@link Recorder}s (latency from the
 * intended start and from the actual send) whose interval histograms are taken once per second, counters, errors
 * by status, and per-backend and per-channel latency.
 *
 * <p>Thread-safe: any number of threads record (wait-free for the main histograms); one thread at a time
 * calls {@link #roll} (the engine serialises it). {@link #startMeasuring} discards what the warm-up recorded by
 * swapping in a fresh generation, so calls still in flight from the warm-up land in the measurement.
 */
final class LoadRecorder {

  /** Values are recorded in microseconds. */
  static final TimeUnit UNIT = TimeUnit.MICROSECONDS;

  /**
   * Three significant digits: a value is known to within 0.1 %. The histograms auto-resize, so any latency from
   * 1 µs up to the longest deadline fits, and a histogram is only as big as its largest value needs.
   */
  static final int SIGNIFICANT_DIGITS = 3;

  private volatile Generation generation = new Generation();
  private long intervalStartNanos;
  private long measureStartNanos;
  private long epochMillisAtStart;
  private final long[] previous = new long[4];
  private final List<IntervalSample> intervals = new ArrayList<>();
  private final Histogram correctedTotal = newHistogram();
  private final Histogram uncorrectedTotal = newHistogram();

  static Histogram newHistogram() {
    return new Histogram(SIGNIFICANT_DIGITS);
  }

  /** Starts the measured part of the run at {@code nanoTime}; everything recorded before is dropped. */
  synchronized void startMeasuring(long nanoTime) {
    generation = new Generation();
    measureStartNanos = nanoTime;
    intervalStartNanos = nanoTime;
    epochMillisAtStart = System.currentTimeMillis();
    java.util.Arrays.fill(previous, 0);
  }

  void sent(boolean late) {
    Generation g = generation;
    g.counters.incrementAndGet(SENT);
    if (late) {
      g.counters.incrementAndGet(LATE);
    }
  }

  /** Records the end of one call. */
  void completed(LoadCall call, Status status, long endNanos) {
    Generation g = generation;
    long corrected = toMicros(endNanos - call.intendedNanos());
    long uncorrected = toMicros(endNanos - call.sentNanos());
    g.corrected.recordValue(corrected);
    g.uncorrected.recordValue(uncorrected);
    boolean ok = status.isOk();
    if (ok) {
      g.counters.incrementAndGet(OK);
    } else {
      g.counters.incrementAndGet(ERRORS);
      g.errorsByStatus.computeIfAbsent(status.getCode(), c -> new LongAdder()).increment();
    }
    record(g.backends, call.backend(), ok, corrected);
    record(g.channels, call.channel(), ok, corrected);
  }

  private static void record(Map<String, Group> groups, String key, boolean ok, long micros) {
    if (key == null) {
      return;
    }
    Group group = groups.get(key);
    if (group == null) {
      group = groups.computeIfAbsent(key, k -> new Group());
    }
    group.record(ok, micros);
  }

  /**
   * Closes the current interval at {@code nanoTime} and returns it; also adds it to the run's totals.
   */
  synchronized IntervalSample roll(long nanoTime) {
    Generation g = generation;
    Histogram corrected = g.corrected.getIntervalHistogram();
    Histogram uncorrected = g.uncorrected.getIntervalHistogram();
    long start = intervalStartNanos;
    corrected.setStartTimeStamp(epochMillis(start));
    corrected.setEndTimeStamp(epochMillis(nanoTime));
    uncorrected.setStartTimeStamp(epochMillis(start));
    uncorrected.setEndTimeStamp(epochMillis(nanoTime));
    long[] now = new long[4];
    for (int i = 0; i < now.length; i++) {
      now[i] = g.counters.get(i);
    }
    IntervalSample sample = new IntervalSample(intervals.size(), start - measureStartNanos,
        nanoTime - measureStartNanos, now[SENT] - previous[SENT], now[OK] - previous[OK],
        now[ERRORS] - previous[ERRORS], now[LATE] - previous[LATE], corrected, uncorrected);
    System.arraycopy(now, 0, previous, 0, now.length);
    intervals.add(sample);
    correctedTotal.add(corrected);
    uncorrectedTotal.add(uncorrected);
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

  synchronized long measureStartNanos() {
    return measureStartNanos;
  }

  synchronized long epochMillisAtStart() {
    return epochMillisAtStart;
  }

  /** Totals of the measurement so far: sent, ok, errors, late. */
  long[] counters() {
    Generation g = generation;
    return new long[] {g.counters.get(SENT), g.counters.get(OK), g.counters.get(ERRORS), g.counters.get(LATE)};
  }

  Map<String, Long> errorsByStatus() {
    Map<Status.Code, Long> byCode = new EnumMap<>(Status.Code.class);
    generation.errorsByStatus.forEach((code, n) -> byCode.put(code, n.sum()));
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    byCode.forEach((code, n) -> out.put(code.name(), n));
    return out;
  }

  Map<String, GroupStats> backends() {
    return snapshot(generation.backends);
  }

  Map<String, GroupStats> channels() {
    return snapshot(generation.channels);
  }

  private static Map<String, GroupStats> snapshot(Map<String, Group> groups) {
    Map<String, GroupStats> out = new TreeMap<>();
    groups.forEach((name, g) -> out.put(name, new GroupStats(name, g.ok.sum(), g.errors.sum(), g.latencyCopy())));
    return out;
  }

  private long epochMillis(long nanoTime) {
    return epochMillisAtStart + TimeUnit.NANOSECONDS.toMillis(nanoTime - measureStartNanos);
  }

  static long toMicros(long nanos) {
    // A latency below 1 µs still counts as one recorded value.
    return Math.max(1, nanos / 1000);
  }

  /** A percentile of a microsecond histogram in milliseconds, or 0 for an empty histogram. */
  static double millis(Histogram h, double percentile) {
    if (h.getTotalCount() == 0) {
      return 0;
    }
    return h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static final int SENT = 0;
  private static final int OK = 1;
  private static final int ERRORS = 2;
  private static final int LATE = 3;

  /** Everything recorded since the last {@link #startMeasuring}. */
  private static final class Generation {
    final Recorder corrected = new Recorder(SIGNIFICANT_DIGITS);
    final Recorder uncorrected = new Recorder(SIGNIFICANT_DIGITS);
    final AtomicLongArray counters = new AtomicLongArray(4);
    final Map<Status.Code, LongAdder> errorsByStatus = new ConcurrentHashMap<>();
    final Map<String, Group> backends = new ConcurrentHashMap<>();
    final Map<String, Group> channels = new ConcurrentHashMap<>();
  }

  /** Calls and latency of one backend or channel; recording is thread-safe. */
  private static final class Group {
    final LongAdder ok = new LongAdder();
    final LongAdder errors = new LongAdder();
    final ConcurrentHistogram latency = new ConcurrentHistogram(SIGNIFICANT_DIGITS);

    void record(boolean success, long micros) {
      (success ? ok : errors).increment();
      latency.recordValue(micros);
    }

    Histogram latencyCopy() {
      Histogram h = newHistogram();
      h.add(latency);
      return h;
    }
  }
}
