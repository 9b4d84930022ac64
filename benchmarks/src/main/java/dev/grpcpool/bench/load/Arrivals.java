package dev.grpcpool.bench.load;

import java.util.SplittableRandom;

/**
 * How the calls of an open-loop run are spaced in time.
 *
 * <p>{@link #UNIFORM} sends every {@code 1/rate} seconds; {@link #POISSON} draws exponentially distributed gaps
 * with mean {@code 1/rate} (independent arrivals, as many independent clients produce), from a seeded random
 * source so a run can be repeated.
 */
public enum Arrivals {
  UNIFORM,
  POISSON;

  /**
   * Returns a new schedule of intended send times for this arrival process.
   *
   * @param ratePerSecond calls per second, finite and &gt; 0
   * @param seed seed of the random source (used by {@link #POISSON} only)
   */
  Schedule schedule(double ratePerSecond, long seed) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be > 0 calls/s, was " + ratePerSecond);
    }
    return this == UNIFORM ? new UniformSchedule(ratePerSecond) : new PoissonSchedule(ratePerSecond, seed);
  }

  /**
   * The intended send times of one run, as offsets from its start, in increasing order.
   *
   * <p>Not thread-safe: one scheduler thread draws from it.
   */
  interface Schedule {
    /** The offset of the next call from the start of the run, in nanoseconds; never decreases. */
    long nextOffsetNanos();
  }

  /** Offsets {@code k / rate}, computed from {@code k} rather than summed so rounding does not drift. */
  private static final class UniformSchedule implements Schedule {
    private final double nanosPerCall;
    private long k;

    UniformSchedule(double ratePerSecond) {
      this.nanosPerCall = 1e9 / ratePerSecond;
    }

    @Override
    public long nextOffsetNanos() {
      return (long) (k++ * nanosPerCall);
    }
  }

  /** Exponential gaps: {@code -ln(1 - U) / rate}, the inter-arrival time of a Poisson process. */
  private static final class PoissonSchedule implements Schedule {
    private final double meanGapNanos;
    private final SplittableRandom random;
    private double offset;

    PoissonSchedule(double ratePerSecond, long seed) {
      this.meanGapNanos = 1e9 / ratePerSecond;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public long nextOffsetNanos() {
      long current = (long) offset;
      offset += -Math.log(1.0 - random.nextDouble()) * meanGapNanos;
      return current;
    }
  }
}
