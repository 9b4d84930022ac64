package dev.grpcpool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Tests for {@link StudentT} against published t-table values. */
class StudentTTest {

  @Test
  void twoSidedP_matchesTTableCriticalValues() {
    // Critical values from the standard t table: P(|T| ≥ t) for the given df.
    assertThat(StudentT.twoSidedP(12.706, 1)).isCloseTo(0.05, within(1e-4));
    assertThat(StudentT.twoSidedP(63.657, 1)).isCloseTo(0.01, within(1e-5));
    assertThat(StudentT.twoSidedP(2.228, 10)).isCloseTo(0.05, within(1e-4));
    assertThat(StudentT.twoSidedP(3.169, 10)).isCloseTo(0.01, within(1e-4));
    assertThat(StudentT.twoSidedP(2.750, 30)).isCloseTo(0.01, within(1e-4));
    assertThat(StudentT.twoSidedP(0.0, 7)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void cdf_isSymmetricAndApproachesNormalForLargeDf() {
    assertThat(StudentT.cdf(-1.5, 4) + StudentT.cdf(1.5, 4)).isCloseTo(1.0, within(1e-12));
    // With df → ∞ the t distribution is the standard normal: Φ(1.959964) = 0.975.
    assertThat(StudentT.cdf(1.959964, 1e7)).isCloseTo(0.975, within(1e-5));
  }

  @Test
  void quantile_invertsCdf() {
    assertThat(StudentT.quantile(0.9995, 4)).isCloseTo(8.610, within(1e-3));
    assertThat(StudentT.quantile(0.995, 10)).isCloseTo(3.169, within(1e-3));
    assertThat(StudentT.quantile(0.5, 3)).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void logGamma_matchesFactorials() {
    assertThat(StudentT.logGamma(5)).isCloseTo(Math.log(24), within(1e-12));
    assertThat(StudentT.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-12));
  }

  @Test
  void welch_separatesDistinctSamplesAndNotOverlappingOnes() {
    SampleStats a = SampleStats.of(100, 101, 99, 100.5, 99.5);
    SampleStats shifted = SampleStats.of(90, 91, 89, 90.5, 89.5);
    SampleStats same = SampleStats.of(100.2, 99.1, 100.9, 99.8, 100.1);
    assertThat(StudentT.welchP(a, shifted)).isLessThan(1e-6);
    assertThat(StudentT.welchP(a, same)).isGreaterThan(0.5);
    // Unequal variances: t = -1.897, Welch df = 5.88, p = 0.1075 (numerical integration of the t density).
    SampleStats x = SampleStats.of(1, 2, 3, 4, 5);
    SampleStats y = SampleStats.of(2, 4, 6, 8, 10);
    assertThat(StudentT.welchP(x, y)).isCloseTo(0.1075, within(1e-4));
  }

  @Test
  void welch_withZeroVarianceDecidesByMeans() {
    assertThat(StudentT.welchP(SampleStats.of(5, 5, 5), SampleStats.of(5, 5, 5))).isEqualTo(1.0);
    assertThat(StudentT.welchP(SampleStats.of(5, 5, 5), SampleStats.of(6, 6, 6))).isEqualTo(0.0);
  }
}
