package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Tests for {@link WarmUp}'s rule, second by second. */
class WarmUpTest {

  private static final long S = TimeUnit.SECONDS.toNanos(1);

  /** Feeds seconds 1..n; returns the first second after which the warm-up ends, or -1. */
  private static int endsAfter(WarmUp w, int n, long ended, long behindNanos, long jitMillis) {
    for (int k = 1; k <= n; k++) {
      if (w.second(k * S, ended, behindNanos, jitMillis)) {
        return k;
      }
    }
    return -1;
  }

  @Test
  void openLoop_onRateOnScheduleAndJitQuiet_endsAtTheMinimum() {
    WarmUp w = new WarmUp(LoadSpec.openLoop(1000).warmupUntilSteady().build());
    assertThat(endsAfter(w, 90, 1000, 0, 10)).isEqualTo((int) WarmUp.MIN.toSeconds());
    assertThat(w.describe(21 * S, 0)).startsWith("21.0 s: ramped over 5.0 s to the full rate, then held steady");
  }

  @Test
  void openLoop_whileTheJitCompiles_orBehindSchedule_orOffRate_goesOnToTheMaximum() {
    LoadSpec spec = LoadSpec.openLoop(1000).warmupUntilSteady().build();
    assertThat(endsAfter(new WarmUp(spec), 89, 1000, 0, 400)).as("JIT busy").isEqualTo(-1);
    assertThat(endsAfter(new WarmUp(spec), 89, 1000, 200_000_000L, 0)).as("behind").isEqualTo(-1);
    assertThat(endsAfter(new WarmUp(spec), 89, 900, 0, 0)).as("10 % off the rate").isEqualTo(-1);
    WarmUp w = new WarmUp(spec);
    assertThat(endsAfter(w, 90, 900, 0, 0)).isEqualTo(90);
    assertThat(w.describe(90 * S, 1234)).contains("skipped 1,234 calls", "did NOT hold steady within 90 s");
  }

  @Test
  void closedLoop_endsWhenTheRateStopsClimbing() {
    WarmUp w = new WarmUp(LoadSpec.closedLoop(10).warmupUntilSteady().build());
    // Climbing 10 % a second for 30 s, then flat.
    long rate = 1000;
    int end = -1;
    for (int k = 1; k <= 90 && end < 0; k++) {
      if (k <= 30) {
        rate = rate * 11 / 10;
      }
      if (w.second(k * S, rate, 0, 0)) {
        end = k;
      }
    }
    assertThat(end).isBetween(33, 37);
  }
}
