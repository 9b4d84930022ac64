package dev.grpcpool.core.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcpool.core.sizing.PoolSizing.Workload;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link PoolSizing}. */
class PoolSizingTest {

  // ---------------------------------------------------------------- rule of thumb

  @ParameterizedTest(name = "{0} cores, {1}, high={2} -> {3}")
  @CsvSource({
      // cores, workload, highConcurrency, channels
      "1,  CPU_BOUND, false, 2",   // 1 raised to the minimum
      "1,  CPU_BOUND, true,  2",   // ⌊1 × 1.3⌋ = 1, raised
      "1,  IO_BOUND,  false, 3",
      "1,  IO_BOUND,  true,  3",   // ⌊3 × 1.3⌋ = 3
      "1,  MIXED,     false, 2",   // ⌊1.5⌋ = 1, raised
      "1,  MIXED,     true,  2",
      "2,  CPU_BOUND, false, 2",
      "2,  CPU_BOUND, true,  2",   // ⌊2.6⌋
      "2,  IO_BOUND,  false, 6",
      "2,  IO_BOUND,  true,  7",   // ⌊7.8⌋
      "2,  MIXED,     false, 3",
      "2,  MIXED,     true,  3",   // ⌊3.9⌋
      "8,  CPU_BOUND, false, 8",
      "8,  CPU_BOUND, true,  10",  // ⌊10.4⌋
      "8,  IO_BOUND,  false, 24",
      "8,  IO_BOUND,  true,  31",  // ⌊31.2⌋
      "8,  MIXED,     false, 12",
      "8,  MIXED,     true,  15",  // ⌊15.6⌋
      "64, CPU_BOUND, false, 64",
      "64, CPU_BOUND, true,  83",  // ⌊83.2⌋
      "64, IO_BOUND,  false, 192",
      "64, IO_BOUND,  true,  249", // ⌊249.6⌋
      "64, MIXED,     false, 96",
      "64, MIXED,     true,  124", // ⌊124.8⌋
  })
  void recommend_matchesPinnedTable(int cores, Workload workload, boolean high, int expected) {
    assertThat(PoolSizing.recommend(workload, high, cores)).isEqualTo(expected);
    PoolSizing.Recommendation r = PoolSizing.heuristic(workload, high, cores);
    assertThat(r.channels()).isEqualTo(expected);
    assertThat(r.workload()).isEqualTo(workload);
    assertThat(r.highConcurrency()).isEqualTo(high);
    assertThat(r.cores()).isEqualTo(cores);
    assertThat(r.explanation()).endsWith("→ " + expected + " channels (" + cores
        + (cores == 1 ? " core)" : " cores)"));
  }

  @ParameterizedTest
  @EnumSource(Workload.class)
  void recommend_staysWithinBoundsForEveryCoreCount(Workload workload) {
    for (int cores = 1; cores <= 512; cores++) {
      for (boolean high : new boolean[] {false, true}) {
        int channels = PoolSizing.recommend(workload, high, cores);
        assertThat(channels).as("%s cores=%d high=%s", workload, cores, high)
            .isBetween(PoolSizing.MIN_CHANNELS, cores * PoolSizing.MAX_CHANNELS_PER_CORE);
        if (high) {
          assertThat(channels).isGreaterThanOrEqualTo(PoolSizing.recommend(workload, false, cores));
        }
      }
    }
  }

  @Test
  void recommend_multiplesOfTenAreNotLostToFloatingPoint() {
    // 10 × 1.3 is exactly 13 in decimal; a double product floored could give 12.
    assertThat(PoolSizing.recommend(Workload.IO_BOUND, true, 10)).isEqualTo(39); // ⌊30 × 1.3⌋
    assertThat(PoolSizing.recommend(Workload.CPU_BOUND, true, 10)).isEqualTo(13);
    assertThat(PoolSizing.recommend(Workload.MIXED, true, 20)).isEqualTo(39);    // ⌊30 × 1.3⌋
  }

  @Test
  void heuristic_explainsEachStepApplied() {
    assertThat(PoolSizing.heuristic(Workload.IO_BOUND, true, 8).explanation())
        .isEqualTo("I/O-bound: cores × 3 = 8 × 3 = 24; high concurrency: ⌊24 × 1.3⌋ = 31"
            + " → 31 channels (8 cores)");
    assertThat(PoolSizing.heuristic(Workload.MIXED, false, 1).explanation())
        .isEqualTo("mixed: ⌊cores × 1.5⌋ = ⌊1 × 1.5⌋ = 1; raised to the minimum of 2"
            + " → 2 channels (1 core)");
    assertThat(PoolSizing.heuristic(Workload.CPU_BOUND, false, 64).explanation())
        .isEqualTo("CPU-bound: one channel per core = 64 → 64 channels (64 cores)");
  }

  @ParameterizedTest
  @CsvSource({"0", "-1", "-2147483648"})
  void recommend_coresBelowOne_isRejectedNamingTheArgument(int cores) {
    assertThatThrownBy(() -> PoolSizing.recommend(Workload.CPU_BOUND, false, cores))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cores")
        .hasMessageContaining(String.valueOf(cores));
  }

  @Test
  void recommend_absurdCoreCount_isRejectedInsteadOfOverflowing() {
    assertThatThrownBy(() -> PoolSizing.recommend(Workload.IO_BOUND, true, Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cores");
    assertThat(PoolSizing.recommend(Workload.IO_BOUND, true, PoolSizing.MAX_CORES))
        .isEqualTo(PoolSizing.MAX_CORES * 3 * 13 / 10);
  }

  @Test
  void recommend_nullWorkload_isRejected() {
    assertThatThrownBy(() -> PoolSizing.recommend(null, false, 4))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("workload");
  }

  // ---------------------------------------------------------------- Little's law

  @Test
  void littlesLaw_articleExample_100InFlightIsTwoChannelsAt50() {
    PoolSizing.LittlesLaw r = PoolSizing.littlesLaw(5000, Duration.ofMillis(20), 50, 100);
    assertThat(r.concurrency()).isEqualTo(100.0);
    assertThat(r.channels()).isEqualTo(2);
    assertThat(r.streamsPerChannel()).isEqualTo(50);
    assertThat(r.maxStreamsPerConnection()).isEqualTo(100);
    assertThat(r.explanation()).isEqualTo(
        "Little's law: 5000 calls/s × 20 ms = 100 calls in flight; ⌈100 ÷ 50 streams per channel⌉"
            + " = 2 channels (server cap 100 streams per connection)");
  }

  @Test
  void littlesLaw_measuredLatency_isShownInThreeSignificantDigits_oneChannelInTheSingular() {
    PoolSizing.LittlesLaw r = PoolSizing.littlesLaw(2355.33, Duration.ofNanos(21_111_698), 50, 100);
    assertThat(r.explanation()).contains("× 21.1 ms = ").contains("= 1 channel (");
    assertThat(PoolSizing.littlesLaw(100, Duration.ofNanos(1_234_567_890L), 50, 100).explanation())
        .contains("× 1.23 s = ");
    assertThat(PoolSizing.littlesLaw(100, Duration.ofNanos(850_400), 50, 100).explanation()).contains("× 850 µs = ");
  }

  @Test
  void littlesLaw_defaults_are50StreamsAndCap100() {
    PoolSizing.LittlesLaw r = PoolSizing.littlesLaw(5000, Duration.ofMillis(20));
    assertThat(r.streamsPerChannel()).isEqualTo(50);
    assertThat(r.maxStreamsPerConnection()).isEqualTo(100);
    assertThat(r.channels()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}/s × {1} ms at {2}/channel -> {3} in flight, {4} channels")
  @CsvSource({
      "5000,  20,  10, 100.0, 10",
      "5000,  20,  100, 100.0, 1",
      "5001,  20,  50, 100.02, 3", // a hair over 100 in flight needs a third channel
      "3000,  100, 50, 300.0, 6",  // 3000 × 0.1 is 300.00000000000006 in doubles: still 6
      "10,    1,   50, 0.01,  1",  // nearly idle still needs one channel
      "20000, 250, 25, 5000.0, 200",
  })
  void littlesLaw_roundsUpWholeChannels(
      double rate, long latencyMillis, int streams, double concurrency, int channels) {
    PoolSizing.LittlesLaw r = PoolSizing.littlesLaw(rate, Duration.ofMillis(latencyMillis), streams, 100);
    assertThat(r.concurrency()).isCloseTo(concurrency, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(r.channels()).isEqualTo(channels);
  }

  @Test
  void littlesLaw_streamsOutsideTargetBand_areAllowedButNoted() {
    assertThat(PoolSizing.littlesLaw(5000, Duration.ofMillis(20), 100, 100).explanation())
        .contains("outside the usual 10–50 target");
    assertThat(PoolSizing.littlesLaw(5000, Duration.ofMillis(20), 5, 100).explanation())
        .contains("outside the usual 10–50 target");
    assertThat(PoolSizing.littlesLaw(5000, Duration.ofMillis(20), 10, 100).explanation())
        .doesNotContain("note");
  }

  @Test
  void littlesLaw_streamsPerChannelOutsideOneToCap_isRejectedNamingTheArgument() {
    assertThatThrownBy(() -> PoolSizing.littlesLaw(5000, Duration.ofMillis(20), 0, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("streamsPerChannel must be between 1 and maxStreamsPerConnection (100)");
    assertThatThrownBy(() -> PoolSizing.littlesLaw(5000, Duration.ofMillis(20), 101, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("streamsPerChannel")
        .hasMessageContaining("101");
    assertThatThrownBy(() -> PoolSizing.littlesLaw(5000, Duration.ofMillis(20), 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxStreamsPerConnection");
  }

  @Test
  void littlesLaw_badRateOrLatency_isRejectedNamingTheArgument() {
    for (double rate : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> PoolSizing.littlesLaw(rate, Duration.ofMillis(20)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ratePerSecond");
    }
    assertThatThrownBy(() -> PoolSizing.littlesLaw(5000, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latency");
    assertThatThrownBy(() -> PoolSizing.littlesLaw(5000, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latency");
    assertThatThrownBy(() -> PoolSizing.littlesLaw(1e300, Duration.ofSeconds(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  // ---------------------------------------------------------------- behind a layer-4 balancer

  /** Every way {@code c} channels can land on {@code b} backends, counted one by one. */
  private static double[] bruteForce(int b, int c) {
    int ways = (int) Math.pow(b, c);
    double reached = 0;
    double roundRobin = 0;
    for (int way = 0; way < ways; way++) {
      int[] load = new int[b];
      for (int i = 0, w = way; i < c; i++, w /= b) {
        load[w % b]++;
      }
      int max = 0;
      for (int l : load) {
        reached += l > 0 ? 1 : 0;
        max = Math.max(max, l);
      }
      roundRobin += (double) c / (b * max);
    }
    return new double[] {reached / ways, roundRobin / ways};
  }

  @ParameterizedTest(name = "{0} backends, {1} channels")
  @CsvSource({"1, 1", "1, 5", "2, 1", "2, 4", "3, 5", "4, 1", "4, 2", "4, 4", "4, 8", "5, 7", "7, 3"})
  void l4Spread_matchesEveryWayTheChannelsCanLand(int backends, int channels) {
    double[] expected = bruteForce(backends, channels);
    PoolSizing.L4Spread spread = PoolSizing.l4Spread(backends, channels);
    assertThat(spread.expectedBackendsReached()).isCloseTo(expected[0], org.assertj.core.data.Offset.offset(1e-9));
    assertThat(spread.leastLoadedShare()).isCloseTo(expected[0] / backends, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(spread.roundRobinShare()).isCloseTo(expected[1], org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void l4Spread_oneChannelReachesOneBackend_andTheExplanationGivesTheFigures() {
    PoolSizing.L4Spread spread = PoolSizing.l4Spread(4, 16);
    assertThat(PoolSizing.l4Spread(4, 1).leastLoadedShare()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(spread.explanation())
        .isEqualTo("16 channels at random over 4 backends: 3.96 backends reached on average (99 % of the fleet's"
            + " capacity for a pick that follows load); round robin is held to the busiest backend: 67 % on average");
  }

  @ParameterizedTest(name = "{0} backends -> {1} channels")
  @CsvSource({"1, 1", "2, 4", "4, 9", "10, 22", "100, 230"})
  void behindL4_isTheFewestChannelsReachingNinetyPercentOfTheBackends(int backends, int channels) {
    PoolSizing.L4Spread spread = PoolSizing.behindL4(backends);
    assertThat(spread.channels()).isEqualTo(channels);
    assertThat(spread.leastLoadedShare()).isGreaterThanOrEqualTo(0.9);
    if (channels > 1) {
      assertThat(PoolSizing.l4Spread(backends, channels - 1).leastLoadedShare()).isLessThan(0.9);
    }
  }

  @Test
  void l4_countsOutOfRange_areRejectedNamingTheArgument() {
    assertThatThrownBy(() -> PoolSizing.l4Spread(0, 4)).hasMessageContaining("backends must be between 1 and 1000");
    assertThatThrownBy(() -> PoolSizing.l4Spread(4, 1001)).hasMessageContaining("channels must be between 1 and 1000, was 1001");
    assertThatThrownBy(() -> PoolSizing.behindL4(-3)).hasMessageContaining("backends");
    assertThatThrownBy(() -> PoolSizing.behindL4(1000)).hasMessageContaining("more than 1000 channels");
  }

  @Test
  void l4Spread_largestInputs_areComputedInReasonableWork() {
    // The exact sum stops once the remaining probability is negligible: the extremes stay cheap.
    assertThat(PoolSizing.l4Spread(2, 1000).roundRobinShare()).isBetween(0.9, 1.0);
    assertThat(PoolSizing.l4Spread(1000, 1000).roundRobinShare()).isBetween(0.1, 0.3);
  }
}
