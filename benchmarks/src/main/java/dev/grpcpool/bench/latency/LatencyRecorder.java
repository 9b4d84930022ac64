package dev.grpcpool.bench.latency;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records call latencies from many threads into an HdrHistogram {@link Recorder} and counts failed calls,
 * which are never recorded as latencies (a fast failure would otherwise look like a fast call).
 *
 * <p>Values are nanoseconds, from {@value #LOWEST_DISCERNIBLE_NANOS} ns to {@link #HIGHEST_TRACKABLE_NANOS}
 * (1 minute) at {@value #SIGNIFICANT_DIGITS} significant digits: every value is kept within 0.1 %, a 20 µs
 * in-process call to within 20 ns, a 1 s stall to within 1 ms; one histogram of that range takes about 220 KB.
 * (A lowest discernible value of 1 µs would save a few buckets but round every sub-millisecond latency to
 * 512 ns steps, 2.5 % at 20 µs.) Values above a minute are recorded as one minute and counted by
 * {@link #clipped()}, so an outlier never throws on the caller's thread.
 *
 * <p>The caller decides where a latency starts: from the actual send time (closed loop) or from the intended
 * send time of a fixed-rate schedule (corrected for coordinated omission).
 *
 * <p>This class is thread-safe and wait-free for recording; {@link #takeInterval()} may be called from any
 * one thread at a time, as with {@link Recorder#getIntervalHistogram()}.
 */
public final class LatencyRecorder {

  /** The unit of every recorded value. */
  public static final TimeUnit UNIT = TimeUnit.NANOSECONDS;
  /** Smallest value told apart from zero: 1 ns, so that precision is relative over the whole range. */
  public static final long LOWEST_DISCERNIBLE_NANOS = 1L;
  /** Largest value recorded as such: 1 minute, far beyond any deadline the benchmarks set. */
  public static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);
  /** Significant decimal digits kept for every value (relative error at most 0.1 %). */
  public static final int SIGNIFICANT_DIGITS = 3;

  private final Recorder recorder =
      new Recorder(LOWEST_DISCERNIBLE_NANOS, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
  private final LongAdder failures = new LongAdder();
  private final LongAdder clipped = new LongAdder();

  /** A new empty histogram with the recorder's range and precision, e.g. to accumulate intervals into. */
  public static Histogram newHistogram() {
    return new Histogram(LOWEST_DISCERNIBLE_NANOS, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
  }

  /** Records one successful call that took {@code nanos}. */
  public void recordNanos(long nanos) {
    long value = nanos;
    if (value > HIGHEST_TRACKABLE_NANOS) {
      clipped.increment();
      value = HIGHEST_TRACKABLE_NANOS;
    } else if (value < 0) {
      // System.nanoTime() is monotonic; a negative span can only come from a caller mixing clocks.
      value = 0;
    }
    recorder.recordValue(value);
  }

  /** Records one successful call that started at {@code startNanos} ({@link System#nanoTime()}) and ended now. */
  public void recordSince(long startNanos) {
    recordNanos(System.nanoTime() - startNanos);
  }

  /** Counts one failed call; its latency is not recorded. */
  public void recordFailure() {
    failures.increment();
  }

  /** Values above {@link #HIGHEST_TRACKABLE_NANOS} seen so far, recorded as that maximum. */
  public long clipped() {
    return clipped.sum();
  }

  /**
   * The latencies and failures since the previous call (or since creation), and starts a new interval.
   * The histogram carries the interval's start and end time stamps in milliseconds since the epoch.
   */
  public synchronized Interval takeInterval() {
    // No recycling: the caller keeps the histogram, e.g. to add it to a trial total after logging it.
    Histogram histogram = recorder.getIntervalHistogram();
    return new Interval(histogram, failures.sumThenReset());
  }

  /** Discards everything recorded so far, e.g. the warm-up. */
  public synchronized void reset() {
    recorder.reset();
    failures.reset();
  }

  /** One interval: the successful calls' latencies (nanoseconds) and the number of failed calls. */
  public static final class Interval {
    private final Histogram latencies;
    private final long failures;

    Interval(Histogram latencies, long failures) {
      this.latencies = latencies;
      this.failures = failures;
    }

    /** Latencies of the successful calls in this interval, in nanoseconds; owned by the caller. */
    public Histogram latencies() {
      return latencies;
    }

    /** Calls that failed in this interval. */
    public long failures() {
      return failures;
    }

    /** Successful plus failed calls. */
    public long calls() {
      return latencies.getTotalCount() + failures;
    }
  }
}
