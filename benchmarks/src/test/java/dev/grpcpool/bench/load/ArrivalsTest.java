package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void nonPositiveRate_isRejected() {
    assertThatThrownBy(() -> Arrivals.UNIFORM.schedule(0, 1)).hasMessageContaining("rate must be > 0");
    assertThatThrownBy(() -> Arrivals.POISSON.schedule(Double.NaN, 1)).hasMessageContaining("rate must be > 0");
  }
}
