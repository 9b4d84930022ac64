package dev.grpcpool.bench.load.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link Axis}: whole-number ticks, a top fitted to the data, log and percentile axes. */
class AxisTest {

  @Test
  void wholeAxis_ofTwoPoolSizes_hasNoFractionalTicks() {
    Axis a = Axis.fit(SvgChart.Scale.WHOLE, 1, 2);

    assertThat(a.ticks()).allSatisfy(t -> assertThat(t).isEqualTo(Math.rint(t)));
    assertThat(a.labels()).containsExactly("0", "1", "2");
  }

  @Test
  void wholeAxis_ofSevenSeconds_stepsByOne() {
    Axis a = Axis.fit(SvgChart.Scale.WHOLE, 0, 7);

    assertThat(a.labels()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7");
  }

  @Test
  void linearAxis_endsAtTheFirstNiceStepAboveTheData() {
    Axis a = Axis.fit(SvgChart.Scale.LINEAR, 0, 5267);

    assertThat(a.max()).isEqualTo(6000);
    assertThat(a.labels()).containsExactly("0", "1,000", "2,000", "3,000", "4,000", "5,000", "6,000");
  }

  @Test
  void linearAxis_neverEndsMoreThanOneStepAboveTheData() {
    for (double top : new double[] {0.37, 1, 4.2, 9.9, 10.1, 55, 101, 999, 1234, 77_777}) {
      Axis a = Axis.fit(SvgChart.Scale.LINEAR, 0, top);
      List<Double> t = a.ticks();
      double step = t.get(1) - t.get(0);

      assertThat(a.max()).as("top of %s", top).isGreaterThanOrEqualTo(top).isLessThan(top + step);
      assertThat(t.size() - 1).as("intervals for %s", top).isBetween(3, 8);
    }
  }

  @Test
  void valueAxis_endsAboveAMaximumThatFallsOnAStep() {
    // A steady 300 calls/s on an axis ending at 300 would be drawn on the frame.
    assertThat(Axis.fitBelowTop(SvgChart.Scale.WHOLE, 0, 300).max()).isGreaterThan(300).isLessThanOrEqualTo(400);
    assertThat(Axis.fitBelowTop(SvgChart.Scale.LOG, 1, 1000).max()).isEqualTo(2000);
    assertThat(Axis.fitBelowTop(SvgChart.Scale.WHOLE, 0, 290).max()).isEqualTo(300);
  }

  @Test
  void linearAxis_ofFractions_labelsEveryTickWithTheSameDecimals() {
    Axis a = Axis.fit(SvgChart.Scale.LINEAR, 0, 1.4);

    assertThat(a.labels()).containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2", "1.4");
  }

  @Test
  void logAxis_spansFromThePowerOfTenBelowToTheNiceValueAbove() {
    Axis a = Axis.fit(SvgChart.Scale.LOG, 0.8, 280);

    assertThat(a.min()).isCloseTo(0.1, within(1e-12));
    assertThat(a.max()).isEqualTo(500);
    assertThat(a.labels()).contains("0.1", "1", "10", "100", "500");
    // Equal ratios, equal distances: what lets p50 and p99 share one chart.
    assertThat(a.position(10) - a.position(1)).isCloseTo(a.position(100) - a.position(10), within(1e-9));
    assertThat(a.position(0)).isNaN();
  }

  @Test
  void percentileAxis_labelsTheTailUpToTheDataWithoutTrailingZeros() {
    Axis a = Axis.fit(SvgChart.Scale.PERCENTILE, 0, 99.995);

    assertThat(a.labels()).containsExactly("0%", "50%", "90%", "99%", "99.9%", "99.99%", "99.999%");
    assertThat(a.position(99.999)).isCloseTo(1, within(1e-9));
    assertThat(a.position(99)).isCloseTo(0.4, within(1e-9));
  }
}
