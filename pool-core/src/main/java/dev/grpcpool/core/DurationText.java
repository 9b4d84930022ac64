package dev.grpcpool.core;

import java.time.Duration;

/**
 * Durations the way people write them ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 30d}): the
 * largest unit that states the value exactly, so that a message echoes {@code 0s} where the user wrote {@code 0s},
 * never {@code PT0S}. {@link PoolConfig#toString()} and the benchmarks' command line use it; that command line's
 * parser reads every form written here.
 *
 * <p>Stateless and thread-safe.
 */
public final class DurationText {

  private static final long[] NANOS =
      {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
  private static final String[] UNITS = {"d", "h", "m", "s", "ms", "us", "ns"};

  private DurationText() {}

  /** {@code 90s}, {@code 2m}, {@code 1500ms}, {@code 0s}, {@code 2d}; negative durations keep their sign. */
  public static String of(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException tooLong) {
      return d.toHours() + "h";
    }
    for (int i = 0; i < NANOS.length; i++) {
      if (nanos % NANOS[i] == 0) {
        return nanos / NANOS[i] + UNITS[i];
      }
    }
    throw new AssertionError("every duration is a whole number of nanoseconds");
  }
}
