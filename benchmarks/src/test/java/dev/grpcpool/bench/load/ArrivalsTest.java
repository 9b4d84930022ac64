package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/** Tests for {@link Arrivals}. */
class ArrivalsTest {

  @Test
  void uniform_spacesCallsExactlyWithoutDrift() {
    Arrivals.Schedule s = Arrivals.UNIFORM.schedule(3000, 1);
    long last = 0;
    for (int k = 0; k <= 3_000_000; k++) {
      last = s.nextOffsetNanos();
    }
    // 3,000,000 gaps of 1/3 ms: exactly 1000 s, with no rounding error summed up.
    assertThat(last).isBetween(999_999_999_000L, 1_000_000_000_000L);
  }

  @Test
  void poisson_hasTheRequestedMeanRate_andRepeatsForASeed() {
    Arrivals.Schedule a = Arrivals.POISSON.schedule(1000, 7);
    Arrivals.Schedule b = Arrivals.POISSON.schedule(1000, 7);
    long prev = 0;
    long shortGaps = 0;
    long last = 0;
    for (int k = 0; k < 100_000; k++) {
      last = a.nextOffsetNanos();
      assertThat(b.nextOffsetNanos()).isEqualTo(last);
      assertThat(last).isGreaterThanOrEqualTo(prev);
      if (last - prev < 1_000_000) {
        shortGaps++;
      }
      prev = last;
    }
    // 100,000 arrivals at 1000/s take 100 s on average; exponential gaps: P(gap < mean) = 1 - 1/e = 63 %.
    assertThat((double) last).isCloseTo(100e9, Percentage.withPercentage(2));
    assertThat(shortGaps / 100_000.0).isCloseTo(0.632, Percentage.withPercentage(3));
  }

  @Test
  void rateSteps_sendEachStepsRateForItsTime_afterAWarmUpAtTheFirst_andNothingAtZero() {
    List<LoadSpec.RateStep> steps = List.of(new LoadSpec.RateStep(100, Duration.ofSeconds(1)),
        new LoadSpec.RateStep(1000, Duration.ofSeconds(1)), new LoadSpec.RateStep(0, Duration.ofSeconds(2)),
        new LoadSpec.RateStep(200, Duration.ofSeconds(1)));
    for (Arrivals arrivals : Arrivals.values()) {
      // Warm-up 0.5 s at 100/s, then the steps from 0.5 s: 1.5 s, 2.5 s, 4.5 s are their ends.
      Arrivals.Schedule s = arrivals.schedule(steps, 500_000_000L, 5, 0, 0, 1);
      int[] perHalfSecond = new int[12];
      for (long t = s.nextOffsetNanos(); t < 6_000_000_000L; t = s.nextOffsetNanos()) {
        perHalfSecond[(int) (t / 500_000_000L)]++;
      }
      double tolerance = arrivals == Arrivals.UNIFORM ? 1 : 30;
      assertThat((double) perHalfSecond[0]).as(arrivals + " warm-up").isCloseTo(50, Offset.offset(tolerance));
      assertThat((double) perHalfSecond[1] + perHalfSecond[2]).as(arrivals + " first step")
          .isCloseTo(100, Offset.offset(tolerance));
      assertThat((double) perHalfSecond[3] + perHalfSecond[4]).as(arrivals + " second step")
          .isCloseTo(1000, Offset.offset(3 * tolerance));
      for (int i = 5; i < 9; i++) {
        assertThat(perHalfSecond[i]).as(arrivals + " at 0/s, half-second " + i).isZero();
      }
      assertThat((double) perHalfSecond[9] + perHalfSecond[10]).as(arrivals + " last step")
          .isCloseTo(200, Offset.offset(tolerance));
    }
  }

  @Test
  void rateSteps_endingAtZero_sendNothingMore() {
    List<LoadSpec.RateStep> steps = List.of(new LoadSpec.RateStep(1000, Duration.ofSeconds(1)),
        new LoadSpec.RateStep(0, Duration.ofSeconds(1)));
    Arrivals.Schedule s = Arrivals.UNIFORM.schedule(steps, 0, 1, 0, 0, 1);
    for (int k = 0; k < 1000; k++) {
      assertThat(s.nextOffsetNanos()).isLessThan(1_000_000_000L);
    }
    assertThat(s.nextOffsetNanos()).as("after the last call").isGreaterThan(TimeUnit.HOURS.toNanos(1));
    assertThat(s.remainingBefore(TimeUnit.HOURS.toNanos(1))).isZero();
  }

  @Test
  void nonPositiveRate_isRejected() {
    assertThatThrownBy(() -> Arrivals.UNIFORM.schedule(0, 1)).hasMessageContaining("rate must be > 0");
    assertThatThrownBy(() -> Arrivals.POISSON.schedule(Double.NaN, 1)).hasMessageContaining("rate must be > 0");
  }

  @Test
  void ramp_risesLinearlyFromATenthToTheRate_thenHoldsIt() {
    // 1000/s after a 2 s ramp from 100/s: (100 + 1000) / 2 x 2 s = 1100 calls in the ramp.
    Arrivals.Schedule s = Arrivals.UNIFORM.schedule(1000, 1, 2_000_000_000L);
    int inFirstSecond = 0;
    int inRamp = 0;
    long t;
    int k = 0;
    while ((t = s.nextOffsetNanos()) < 3_000_000_000L) {
      if (t < 1_000_000_000L) {
        inFirstSecond++;
      }
      if (t < 2_000_000_000L) {
        inRamp++;
      }
      k++;
    }
    // First second: 100 t + 900 t^2 / (2 x 2) at t = 1 -> 325 calls.
    assertThat(inFirstSecond).isBetween(324, 326);
    assertThat(inRamp).isBetween(1099, 1101);
    assertThat(k - inRamp).isBetween(999, 1001);
  }

  @Test
  void remainingBeforeAndSkipTo_countAndDropTheCallsBeforeAnOffset() {
    Arrivals.Schedule u = Arrivals.UNIFORM.schedule(1000, 1);
    u.nextOffsetNanos();  // call 0 at 0
    // Calls 1 .. 999 lie before 1 s.
    assertThat(u.remainingBefore(1_000_000_000L)).isEqualTo(999);
    assertThat(u.skipTo(500_000_000L)).isEqualTo(499);
    assertThat(u.nextOffsetNanos()).isEqualTo(500_000_000L);
    assertThat(u.remainingBefore(400_000_000L)).isZero();

    Arrivals.Schedule p = Arrivals.POISSON.schedule(1000, 3);
    long skipped = p.skipTo(10_000_000_000L);
    assertThat((double) skipped).isCloseTo(10_000, Percentage.withPercentage(1));
    assertThat(p.nextOffsetNanos()).isGreaterThanOrEqualTo(10_000_000_000L - 1);
  }

  @Test
  void generatorsSharingASchedule_togetherFollowExactlyTheWholeSchedule_uniformAndPoisson_rampIncluded() {
    for (Arrivals arrivals : Arrivals.values()) {
      Arrivals.Schedule whole = arrivals.schedule(3000, 9, 500_000_000L);
      List<Long> expected = new ArrayList<>();
      for (int i = 0; i < 9000; i++) {
        expected.add(whole.nextOffsetNanos());
      }
      List<Long> union = new ArrayList<>();
      for (int g = 0; g < 3; g++) {
        Arrivals.Schedule part = arrivals.schedule(3000, 9, 500_000_000L, g, 3);
        for (int i = 0; i < 3000; i++) {
          union.add(part.nextOffsetNanos());
        }
      }
      Collections.sort(union);
      assertThat(union).as(arrivals.name()).isEqualTo(expected);
    }
  }

  @Test
  void aGeneratorsPart_countsAndSkipsOnlyItsOwnCalls() {
    Arrivals.Schedule second = Arrivals.UNIFORM.schedule(1000, 1, 0, 1, 4);
    // Its calls are 1, 5, 9, ... of the whole: at 1, 5, 9 ... ms.
    assertThat(second.nextOffsetNanos()).isEqualTo(1_000_000L);
    assertThat(second.nextOffsetNanos()).isEqualTo(5_000_000L);
    // Before 1 s: 9, 13, ..., 997 of the whole.
    assertThat(second.remainingBefore(1_000_000_000L)).isEqualTo(248);
    assertThat(second.skipTo(101_000_000L)).isEqualTo(23);
    assertThat(second.nextOffsetNanos()).isEqualTo(101_000_000L);
    assertThatThrownBy(() -> Arrivals.UNIFORM.schedule(1000, 1, 0, 4, 4)).hasMessageContaining("generator 4 of 4");
  }
}
