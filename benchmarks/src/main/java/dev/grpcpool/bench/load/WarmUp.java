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
 * its rate up (linearly from 10 % over {@link #RAMP}, or over half a fixed warm-up), and during the warm-up a
 * schedule more than {@link #MAX_BEHIND} behind skips ahead instead of replaying the calls a cold server could not
 * take (nothing is measured yet; a backlog would only flood the first seconds measured). A warm-up "until steady"
 * lasts at least {@link #MIN} and ends when the last {@link #HOLD_SECONDS} seconds hold:
 * <ul>
 *   <li>the JIT compilers of this process spent at most {@link #MAX_JIT_SHARE} of them compiling (where the JVM
 *       reports it): while they compile, the rate climbs slowly for tens of seconds, too slowly for a rate test to
 *       see, and a run that starts measuring then measures the compiler (a closed loop gave 20,700 calls/s after
 *       a warm-up judged by its rate alone, 31,400/s after 30 s);
 *   <li>open loop: the calls that ended in them average within ±{@link #RATE_TOLERANCE} of the rate, and at the
 *       end of each the schedule was less than {@link #ON_SCHEDULE} behind;
 *   <li>closed loop: their mean is within ±{@link #STEADY_TOLERANCE} of the mean of the seconds before them, and
 *       each second is within twice that of their mean.
 * </ul>
 * If that never happens, the measurement starts after {@link #MAX} anyway, and the summary says so. On two cores,
 * with client and embedded servers in one JVM, the JIT compilers ran about one core's worth for 45 s while the
 * rate of a closed loop climbed from 139 to 35,000 calls/s; the warm-up ended after 59 s.
 *
 * <p>Not thread-safe: the generator's ticker calls {@link #second} once a second.
 */
final class WarmUp {
  static final Duration RAMP = Duration.ofSeconds(5);
  static final Duration MIN = Duration.ofSeconds(20);
  static final Duration MAX = Duration.ofSeconds(90);
  static final int HOLD_SECONDS = 3;
  static final double RATE_TOLERANCE = 0.03;
  static final double STEADY_TOLERANCE = 0.05;
  static final Duration MAX_BEHIND = Duration.ofSeconds(1);
  /** The JIT compilers' share of the last seconds below which the code is taken as compiled. */
  static final double MAX_JIT_SHARE = 0.05;
  static final Duration ON_SCHEDULE = Duration.ofMillis(50);

  private final LoadSpec spec;
  private final long rampNanos;
  /** The last seconds judged, oldest first. */
  private final Deque<Second> recent = new ArrayDeque<>();
  private boolean gaveUp;

  WarmUp(LoadSpec spec) {
    this.spec = spec;
    this.rampNanos = rampNanos(spec);
  }

  /** The rule in words, for the run's configuration. */
  static String describeRule() {
    return String.format(Locale.ROOT, "ramp %d s, then until %d s hold steady with the JIT quiet; %d..%d s",
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
   * @param behindNanos how far the open-loop schedule was behind at the end of it (0 when on time)
   * @param jitMillis milliseconds the JIT compilers spent in it, or -1 when the JVM does not say
   * @return true when the measurement should start: steady long enough, or out of time
   */
  boolean second(long elapsedNanos, long ended, long behindNanos, long jitMillis) {
    recent.addLast(new Second(ended, behindNanos, jitMillis));
    if (recent.size() > 2 * HOLD_SECONDS) {
      recent.removeFirst();
    }
    boolean holds = recent.size() == 2 * HOLD_SECONDS && elapsedNanos >= MIN.toNanos() && holds();
    if (holds) {
      return true;
    }
    if (elapsedNanos >= MAX.toNanos()) {
      gaveUp = true;
      return true;
    }
    return false;
  }

  private boolean holds() {
    Second[] seconds = recent.toArray(new Second[0]);
    double last = 0;
    double before = 0;
    for (int i = 0; i < HOLD_SECONDS; i++) {
      before += seconds[i].ended();
      last += seconds[HOLD_SECONDS + i].ended();
    }
    last /= HOLD_SECONDS;
    before /= HOLD_SECONDS;
    long jit = 0;
    for (int i = HOLD_SECONDS; i < seconds.length; i++) {
      jit += Math.max(0, seconds[i].jitMillis());
    }
    if (jit > MAX_JIT_SHARE * HOLD_SECONDS * 1000) {
      return false;
    }
    if (spec.mode() == LoadSpec.Mode.OPEN_LOOP) {
      if (Math.abs(last - spec.rate()) > RATE_TOLERANCE * spec.rate()) {
        return false;
      }
      for (int i = HOLD_SECONDS; i < seconds.length; i++) {
        if (seconds[i].behindNanos() > ON_SCHEDULE.toNanos()) {
          return false;
        }
      }
      return true;
    }
    if (last <= 0 || Math.abs(last - before) > STEADY_TOLERANCE * last) {
      return false;
    }
    for (int i = HOLD_SECONDS; i < seconds.length; i++) {
      if (Math.abs(seconds[i].ended() - last) > 2 * STEADY_TOLERANCE * last) {
        return false;
      }
    }
    return true;
  }

  /** What the warm-up did, in words, once it is over; {@code skipped}: calls the schedule skipped ahead over. */
  String describe(long warmupNanos, long skipped) {
    String seconds = String.format(Locale.ROOT, "%.1f s", warmupNanos / 1e9);
    String ramp = rampNanos > 0
        ? String.format(Locale.ROOT, "ramped over %.1f s to the full rate, ", rampNanos / 1e9) : "";
    String skip = skipped > 0 ? String.format(Locale.ROOT, "skipped %,d calls the target could not take yet, ",
        skipped) : "";
    if (!spec.warmupUntilSteady()) {
      return warmupNanos == 0 ? "none" : seconds + " (fixed"
          + (rampNanos > 0 ? String.format(Locale.ROOT, ", ramped over %.1f s", rampNanos / 1e9) : "")
          + (skipped > 0 ? String.format(Locale.ROOT, ", skipped %,d calls the target could not take yet", skipped)
              : "") + ")";
    }
    if (gaveUp) {
      return seconds + ": " + ramp + skip + "did NOT hold steady within " + MAX.toSeconds() + " s; measured anyway";
    }
    return seconds + ": " + ramp + skip + "then held steady " + HOLD_SECONDS + " s";
  }

  /** One judged warm-up second: see {@link #second} for what each figure is. */
  private record Second(long ended, long behindNanos, long jitMillis) {}
}
