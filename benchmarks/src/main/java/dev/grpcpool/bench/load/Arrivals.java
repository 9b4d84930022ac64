package dev.grpcpool.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * How the calls of an open-loop run are spaced in time.
 *
 * <p>{@link #UNIFORM} sends every {@code 1/rate} seconds; {@link #POISSON} draws exponentially distributed gaps
 * with mean {@code 1/rate} (independent arrivals, as many independent clients produce), from a seeded random
 * source so a run can be repeated.
 *
 * <p>A schedule may start with a ramp: the rate rises linearly from {@link #RAMP_START_SHARE} of the rate to the
 * full rate over the ramp, so that a server whose JIT is still cold is not met by the full rate at once; and its rate
 * may change in steps ({@link LoadSpec.RateStep}: low, high, low again, or 0 for no calls). Both processes are built
 * the same way: arrival {@code k} of a unit-rate process (at {@code k} for uniform, at a sum of {@code k}
 * exponential gaps for Poisson) is mapped through the inverse of the expected number of calls by time {@code t}, a
 * piecewise function: on a ramp that inverse solves a quadratic, at a steady rate a line. Offsets are computed from
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
    return schedule(Curve.steady(totalRatePerSecond / 1e9, rampNanos), seed, index, generators);
  }

  /**
   * Returns generator {@code index}'s part of a schedule whose rate steps: a warm-up of {@code warmupNanos} at the
   * first step's rate (ramped over its first {@code rampNanos}), then each step's rate for its duration; after the
   * last step its rate goes on (a run ends there). A step at 0 calls/s sends nothing.
   *
   * @param steps the whole load's steps (all generators together), at least one, some rate &gt; 0
   * @param rampNanos length of the ramp, in {@code 0..warmupNanos}
   */
  Schedule schedule(List<LoadSpec.RateStep> steps, long warmupNanos, long seed, long rampNanos, int index,
      int generators) {
    if (steps.isEmpty() || steps.stream().noneMatch(st -> st.ratePerSecond() > 0)) {
      throw new IllegalArgumentException("rate steps must hold a rate > 0 calls/s, were " + steps);
    }
    if (rampNanos < 0 || rampNanos > warmupNanos) {
      throw new IllegalArgumentException("ramp must be in 0.." + warmupNanos + " ns, was " + rampNanos + " ns");
    }
    if (generators < 1 || index < 0 || index >= generators) {
      throw new IllegalArgumentException("generator " + index + " of " + generators + " does not exist");
    }
    return schedule(Curve.stepped(steps, warmupNanos, rampNanos), seed, index, generators);
  }

  private Schedule schedule(Curve curve, long seed, int index, int generators) {
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
   * The expected number of calls by time {@code t} (in nanoseconds), and its inverse: piecewise, each piece from
   * {@code s} with a rate changing linearly from {@code r0} to {@code r1} over its length {@code T}, so
   * {@code N(t) = N(s) + r0 (t - s) + (r1 - r0) (t - s)² / 2T} (a ramp; a steady rate where {@code r0 = r1}); the
   * last piece is steady and never ends.
   */
  private static final class Curve {
    /**
     * When a rate of 0 lasts to the end, the time of the calls that never come: a day past the start of that
     * piece, far beyond any run (which ends with its last step) and far from overflowing when added to a clock.
     */
    private static final long NEVER_AFTER_NANOS = TimeUnit.DAYS.toNanos(1);

    private final double[] start;
    private final double[] length;
    private final double[] fromRate;
    private final double[] toRate;
    /** Expected calls by the start of each piece. */
    private final double[] callsBefore;

    /** Pieces as {length, rate at its start, rate at its end}, in nanoseconds and calls per nanosecond. */
    private Curve(List<double[]> pieces) {
      int n = pieces.size();
      start = new double[n];
      length = new double[n];
      fromRate = new double[n];
      toRate = new double[n];
      callsBefore = new double[n];
      double t = 0;
      double calls = 0;
      for (int i = 0; i < n; i++) {
        double[] p = pieces.get(i);
        start[i] = t;
        length[i] = p[0];
        fromRate[i] = p[1];
        toRate[i] = p[2];
        callsBefore[i] = calls;
        t += p[0];
        calls += (p[1] + p[2]) / 2 * p[0];
      }
    }

    /** A ramp of {@code rampNanos} from {@link #RAMP_START_SHARE} of the rate, then the rate. */
    static Curve steady(double ratePerNano, long rampNanos) {
      List<double[]> pieces = new ArrayList<>();
      if (rampNanos > 0) {
        pieces.add(new double[] {rampNanos, RAMP_START_SHARE * ratePerNano, ratePerNano});
      }
      pieces.add(new double[] {Double.POSITIVE_INFINITY, ratePerNano, ratePerNano});
      return new Curve(pieces);
    }

    /** A warm-up at the first step's rate (its first {@code rampNanos} a ramp), then the steps. */
    static Curve stepped(List<LoadSpec.RateStep> steps, long warmupNanos, long rampNanos) {
      List<double[]> pieces = new ArrayList<>();
      double first = steps.get(0).ratePerSecond() / 1e9;
      if (rampNanos > 0) {
        pieces.add(new double[] {rampNanos, RAMP_START_SHARE * first, first});
      }
      if (warmupNanos > rampNanos) {
        pieces.add(new double[] {warmupNanos - rampNanos, first, first});
      }
      for (int i = 0; i < steps.size(); i++) {
        double rate = steps.get(i).ratePerSecond() / 1e9;
        double nanos = i == steps.size() - 1 ? Double.POSITIVE_INFINITY : steps.get(i).duration().toNanos();
        pieces.add(new double[] {nanos, rate, rate});
      }
      return new Curve(pieces);
    }

    /** The expected number of calls by {@code offsetNanos}. */
    double callsBy(long offsetNanos) {
      double t = offsetNanos;
      int i = start.length - 1;
      while (i > 0 && t < start[i]) {
        i--;
      }
      double dt = t - start[i];
      double curve = fromRate[i] == toRate[i] ? 0 : (toRate[i] - fromRate[i]) / (2 * length[i]);
      return callsBefore[i] + fromRate[i] * dt + curve * dt * dt;
    }

    /** The time at which the expected number of calls reaches {@code calls}. */
    long offsetOf(double calls) {
      // The last piece whose start the count has reached: a piece at rate 0 adds no calls, so the piece after it
      // starts at the same count and is the one chosen.
      int i = start.length - 1;
      while (i > 0 && calls < callsBefore[i]) {
        i--;
      }
      double x = calls - callsBefore[i];
      if (fromRate[i] == toRate[i]) {
        return fromRate[i] == 0 ? (long) (start[i] + NEVER_AFTER_NANOS) : (long) (start[i] + x / fromRate[i]);
      }
      // a t² + b t - x = 0 with a = (r1 - r0) / 2T, b = r0; the positive root, written to avoid cancellation.
      double a = (toRate[i] - fromRate[i]) / (2 * length[i]);
      double b = fromRate[i];
      return (long) (start[i] + 2 * x / (b + Math.sqrt(b * b + 4 * a * x)));
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
