package dev.grpcpool.bench.load;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Decides when a run is warm enough to measure, one second of warm-up at a time.
 *
 * <p>On two cores the JIT compiler threads of client and server take several seconds of CPU before gRPC's paths
 * are compiled; a measurement that starts earlier measures the compiler, and an open loop that starts at its
 * full rate builds a backlog behind a cold server that floods the first seconds measured. So an open loop ramps
 * its rate up (linearly from 10 % over {@link #RAMP}, or over half a fixed warm-up), and a warm-up "until steady"
 * lasts at least {@link #MIN} and ends when {@link #HOLD_SECONDS} seconds in a row hold:
 * <ul>
 *   <li>open loop: calls ended in the second within ±{@link #RATE_TOLERANCE} of the rate, no send waited for a
 *       free slot, and the generator kept its own schedule;
 *   <li>closed loop: each of those seconds within ±{@link #STEADY_TOLERANCE} of their mean.
 * </ul>
 * If that never happens, the measurement starts after {@link #MAX} anyway, and the summary says so.
 *
 * <p>Not thread-safe: the generator's ticker calls {@link #second} once a second.
 */
final class WarmUp {
  static final Duration RAMP = Duration.ofSeconds(5);
  static final Duration MIN = Duration.ofSeconds(10);
  static final Duration MAX = Duration.ofSeconds(60);
  static final int HOLD_SECONDS = 3;
  static final double RATE_TOLERANCE = 0.03;
  static final double STEADY_TOLERANCE = 0.05;

  private final LoadSpec spec;
  private final long rampNanos;
  private final Deque<Long> recent = new ArrayDeque<>();
  private int held;
  private boolean gaveUp;

  WarmUp(LoadSpec spec) {
    this.spec = spec;
    this.rampNanos = rampNanos(spec);
  }

  /** The rule in words, for the run's configuration. */
  static String describeRule() {
    return String.format(Locale.ROOT, "ramp %d s, then until %d s in a row hold the rate; %d..%d s",
        RAMP.toSeconds(), HOLD_SECONDS, MIN.toSeconds(), MAX.toSeconds());
  }

  /** How long an open loop ramps its rate up: {@link #RAMP}, or half a shorter fixed warm-up; 0 for none. */
  static long rampNanos(LoadSpec spec) {
    if (spec.mode() != LoadSpec.Mode.OPEN_LOOP) {
      return 0;
    }
    if (spec.warmupUntilSteady()) {
      return RAMP.toNanos();
    }
    return Math.min(RAMP.toNanos(), spec.warmup().toNanos() / 2);
  }

  long rampNanos() {
    return rampNanos;
  }

  /**
   * Judges the warm-up second that ended {@code elapsedNanos} after the run started.
   *
   * @param ended calls that ended (ok or failed) in that second
   * @param waitedForSlot whether a send waited for a free slot in it
   * @param generatorLate whether the generator itself fell behind its schedule in it
   * @return true when the measurement should start: held long enough, or out of time
   */
  boolean second(long elapsedNanos, long ended, boolean waitedForSlot, boolean generatorLate) {
    boolean holds;
    if (spec.mode() == LoadSpec.Mode.OPEN_LOOP) {
      holds = elapsedNanos - Duration.ofSeconds(1).toNanos() >= rampNanos
          && Math.abs(ended - spec.rate()) <= RATE_TOLERANCE * spec.rate()
          && !waitedForSlot && !generatorLate;
    } else {
      recent.addLast(ended);
      if (recent.size() > HOLD_SECONDS) {
        recent.removeFirst();
      }
      double mean = recent.stream().mapToLong(Long::longValue).average().orElse(0);
      holds = ended > 0 && recent.size() == HOLD_SECONDS
          && recent.stream().allMatch(n -> Math.abs(n - mean) <= STEADY_TOLERANCE * mean);
    }
    held = holds ? held + 1 : 0;
    if (elapsedNanos >= MIN.toNanos() && held >= HOLD_SECONDS) {
      return true;
    }
    if (elapsedNanos >= MAX.toNanos()) {
      gaveUp = true;
      return true;
    }
    return false;
  }

  /** What the warm-up did, in words, once it is over. */
  String describe(long warmupNanos) {
    String seconds = String.format(Locale.ROOT, "%.1f s", warmupNanos / 1e9);
    String ramp = rampNanos > 0
        ? String.format(Locale.ROOT, "ramped over %.1f s to the full rate, then ", rampNanos / 1e9) : "";
    if (!spec.warmupUntilSteady()) {
      return warmupNanos == 0 ? "none" : seconds + " (fixed"
          + (rampNanos > 0 ? String.format(Locale.ROOT, ", ramped over %.1f s", rampNanos / 1e9) : "") + ")";
    }
    if (gaveUp) {
      return seconds + ": " + ramp + "did NOT hold steady within " + MAX.toSeconds()
          + " s; measured anyway";
    }
    return seconds + ": " + ramp + "held steady " + HOLD_SECONDS + " s in a row";
  }
}
