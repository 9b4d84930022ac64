package dev.grpcpool.bench.load;

import java.util.SplittableRandom;

/**
 * How the calls of an open-loop run are spaced in time.
 *
 * <p>{@link #UNIFORM} sends every {@code 1/rate} seconds; {@link #POISSON} draws exponentially distributed gaps
 * with mean {@code 1/rate} (independent arrivals, as many independent clients produce), from a seeded random
 * source so a run can be repeated.
 *
 * <p>A schedule may start with a ramp: the rate rises linearly from {@link #RAMP_START_SHARE} of the rate to the
 * full rate over the ramp, so that a server whose JIT is still cold is not met by the full rate at once. Both
 * processes are built the same way: arrival {@code k} of a unit-rate process (at {@code k} for uniform, at a sum
 * of {@code k} exponential gaps for Poisson) is mapped through the inverse of the expected number of calls by
 * time {@code t}; with a ramp that inverse solves a quadratic, after it a line. Offsets are computed from
 * {@code k} rather than summed, so rounding does not drift.
 */
public enum Arrivals {
  UNIFORM,
  POISSON;

  /** Where a ramp starts, as a share of the full rate. */
  static final double RAMP_START_SHARE = 0.1;

  /**
   * Returns a new schedule of intended send times for this arrival process at a constant rate.
   *
   * @param ratePerSecond calls per second, finite and &gt; 0
   * @param seed seed of the random source (used by {@link #POISSON} only)
   */
  Schedule schedule(double ratePerSecond, long seed) {
    return schedule(ratePerSecond, seed, 0);
  }

  /**
   * Returns a new schedule whose rate rises linearly over the first {@code rampNanos}, then stays at
   * {@code ratePerSecond}.
   *
   * @param rampNanos length of the ramp, &ge; 0 (0: the full rate from the start)
   */
  Schedule schedule(double ratePerSecond, long seed, long rampNanos) {
    return schedule(ratePerSecond, seed, rampNanos, 0, 1);
  }

  /**
   * Returns generator {@code index}'s part of a schedule shared by {@code generators} generators: the arrivals
   * {@code index}, {@code index + generators}, {@code index + 2 generators}, … of the whole process at
   * {@code totalRatePerSecond} (same seed everywhere), so that the generators' schedules together are exactly the
   * schedule one generator would follow, evenly spaced for uniform arrivals.
   *
   * @param index this generator, in {@code 0..generators-1}
   */
  Schedule schedule(double totalRatePerSecond, long seed, long rampNanos, int index, int generators) {
    if (!(totalRatePerSecond > 0) || Double.isInfinite(totalRatePerSecond)) {
      throw new IllegalArgumentException("rate must be > 0 calls/s, was " + totalRatePerSecond);
    }
    if (rampNanos < 0) {
      throw new IllegalArgumentException("ramp must be >= 0, was " + rampNanos + " ns");
    }
    if (generators < 1 || index < 0 || index >= generators) {
      throw new IllegalArgumentException("generator " + index + " of " + generators + " does not exist");
    }
    Curve curve = new Curve(totalRatePerSecond / 1e9, rampNanos);
    return this == UNIFORM ? new UniformSchedule(curve, index, generators)
        : new PoissonSchedule(curve, seed, index, generators);
  }

  /**
   * The intended send times of one run, as offsets from its start, in increasing order.
   *
   * <p>Not thread-safe: callers serialize access.
   */
  interface Schedule {
    /** The offset of the next call from the start of the run, in nanoseconds; never decreases. */
    long nextOffsetNanos();

    /**
     * How many calls the schedule still holds before {@code offsetNanos}, counting the one the next
     * {@link #nextOffsetNanos} would return; exact for uniform arrivals, the expected number for Poisson ones.
     * Does not advance the schedule.
     */
    long remainingBefore(long offsetNanos);

    /**
     * Drops the calls before {@code offsetNanos}: the next call is the first at or after it (for Poisson arrivals,
     * the process restarts at the expected count there). Returns how many were dropped, as
     * {@link #remainingBefore} counts them.
     */
    long skipTo(long offsetNanos);
  }

  /**
   * The expected number of calls by time {@code t} (in nanoseconds): {@code r0 t + (r - r0) t² / 2T} during a
   * ramp of length {@code T} from {@code r0} to {@code r}, then {@code N(T) + r (t - T)}; and its inverse.
   */
  private static final class Curve {
    private final double rate;
    private final double rampNanos;
    private final double startRate;
    private final double callsInRamp;

    Curve(double ratePerNano, long rampNanos) {
      this.rate = ratePerNano;
      this.rampNanos = rampNanos;
      this.startRate = rampNanos == 0 ? ratePerNano : RAMP_START_SHARE * ratePerNano;
      this.callsInRamp = (startRate + rate) / 2 * rampNanos;
    }

    /** The expected number of calls by {@code offsetNanos}. */
    double callsBy(long offsetNanos) {
      double t = offsetNanos;
      if (t >= rampNanos) {
        return callsInRamp + (t - rampNanos) * rate;
      }
      return startRate * t + (rate - startRate) * t * t / (2 * rampNanos);
    }

    /** The time at which the expected number of calls reaches {@code calls}. */
    long offsetOf(double calls) {
      if (calls >= callsInRamp) {
        return (long) (rampNanos + (calls - callsInRamp) / rate);
      }
      // a t² + b t - calls = 0 with a = (r - r0) / 2T, b = r0; the positive root, written to avoid cancellation.
      double a = (rate - startRate) / (2 * rampNanos);
      double b = startRate;
      return (long) (2 * calls / (b + Math.sqrt(b * b + 4 * a * calls)));
    }
  }

  /** Call {@code k} at the time the expected count reaches {@code k}; every {@code stride}-th from {@code first}. */
  private static final class UniformSchedule implements Schedule {
    private final Curve curve;
    private final int stride;
    private long k;

    UniformSchedule(Curve curve, int first, int stride) {
      this.curve = curve;
      this.stride = stride;
      this.k = first;
    }

    @Override
    public long nextOffsetNanos() {
      long offset = curve.offsetOf(k);
      k += stride;
      return offset;
    }

    @Override
    public long remainingBefore(long offsetNanos) {
      // Call j is before the offset when offsetOf(j) < offset, i.e. j < callsBy(offset) (within rounding).
      long end = (long) Math.ceil(curve.callsBy(offsetNanos));
      while (end > k && curve.offsetOf(end - 1) >= offsetNanos) {
        end--;
      }
      while (curve.offsetOf(end) < offsetNanos) {
        end++;
      }
      // This schedule's calls among j in [k, end): k, k + stride, ...
      return end <= k ? 0 : (end - k + stride - 1) / stride;
    }

    @Override
    public long skipTo(long offsetNanos) {
      long n = remainingBefore(offsetNanos);
      k += n * stride;
      return n;
    }
  }

  /**
   * Unit-rate exponential gaps ({@code -ln(1 - U)}), mapped through the curve: a Poisson process of that rate;
   * every {@code stride}-th arrival from {@code first}, the others drawn and passed over so that the generators
   * sharing a seed split one process between them.
   */
  private static final class PoissonSchedule implements Schedule {
    private final Curve curve;
    private final SplittableRandom random;
    private final int stride;
    private double calls;

    PoissonSchedule(Curve curve, long seed, int first, int stride) {
      this.curve = curve;
      this.random = new SplittableRandom(seed);
      this.stride = stride;
      advance(first);
    }

    private void advance(int arrivals) {
      for (int i = 0; i < arrivals; i++) {
        calls += -Math.log(1.0 - random.nextDouble());
      }
    }

    @Override
    public long nextOffsetNanos() {
      long current = curve.offsetOf(calls);
      advance(stride);
      return current;
    }

    @Override
    public long remainingBefore(long offsetNanos) {
      if (curve.offsetOf(calls) >= offsetNanos) {
        return 0;
      }
      return Math.max(1, Math.round((curve.callsBy(offsetNanos) - calls) / stride));
    }

    @Override
    public long skipTo(long offsetNanos) {
      long n = remainingBefore(offsetNanos);
      calls = Math.max(calls, curve.callsBy(offsetNanos));
      return n;
    }
  }
}
