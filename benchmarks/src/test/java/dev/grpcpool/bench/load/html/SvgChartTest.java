package dev.grpcpool.bench.load.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Tests for {@link SvgChart}: it fills its container, breaks lines at gaps, marks events, clips no label. */
class SvgChartTest {

  @Test
  void chart_hasAViewBoxAndNoFixedSize() {
    String svg = new SvgChart("t", "x", "y").series("s", new double[] {0, 1}, new double[] {1, 2}).toSvg();

    assertThat(svg).contains("viewBox=\"0 0 1000 ", "width:100%").doesNotContain(" width=\"1000\"");
  }

  @Test
  void missingValue_breaksTheLineInTwo() {
    String svg = new SvgChart("t", "x", "y")
        .series("s", new double[] {0, 1, 2, 3, 4}, new double[] {1, 2, Double.NaN, 2, 1}).toSvg();

    Matcher d = Pattern.compile(" d=\"([^\"]*)\"").matcher(svg);
    assertThat(d.find()).isTrue();
    assertThat(d.group(1).chars().filter(c -> c == 'M').count()).isEqualTo(2);
  }

  @Test
  void loneValueBetweenGaps_isDrawnAsADot() {
    String svg = new SvgChart("t", "x", "y")
        .series("s", new double[] {0, 1, 2}, new double[] {Double.NaN, 5, Double.NaN}).toSvg();

    assertThat(svg).contains("<circle");
  }

  @Test
  void marker_isAVerticalLineWithItsLabel() {
    String svg = new SvgChart("t", "x", "y").scales(SvgChart.Scale.WHOLE, SvgChart.Scale.LINEAR)
        .series("s", new double[] {0, 9}, new double[] {1, 2}).marker(3, "kill:1@3s").toSvg();

    assertThat(svg).contains(">kill:1@3s</text>", "stroke-dasharray=\"4 3\"");
  }

  @Test
  void rightmostPercentileLabel_fitsInsideTheDrawing() {
    String svg = new SvgChart("t", "percentile", "ms").scales(SvgChart.Scale.PERCENTILE, SvgChart.Scale.LOG)
        .series("s", new double[] {0, 90, 99, 99.9, 99.99, 99.995}, new double[] {1, 2, 3, 4, 5, 6}).toSvg();

    Matcher m = Pattern.compile("<text x=\"([0-9.]+)\" y=\"[0-9.]+\" text-anchor=\"middle\">99.999%</text>")
        .matcher(svg);
    assertThat(m.find()).as(svg).isTrue();
    double halfWidth = "99.999%".length() * 8 / 2.0;
    assertThat(Double.parseDouble(m.group(1)) + halfWidth).isLessThanOrEqualTo(1000);
  }

  @Test
  void logLatencyAxis_showsTheMedianMoveBesideASlowWarmUpTail() {
    // Warm-up: a p99 of 2 s beside a p50 that doubles from 1 to 2 ms. On a linear axis the doubling is invisible.
    assertThat(p50Rise(SvgChart.Scale.LOG)).as("px on a log axis").isGreaterThan(20);
    assertThat(p50Rise(SvgChart.Scale.LINEAR)).as("px on a linear axis").isLessThan(1);
  }

  private static double p50Rise(SvgChart.Scale y) {
    double[] x = {0, 1, 2};
    String svg = new SvgChart("t", "s", "ms").scales(SvgChart.Scale.WHOLE, y)
        .series("p50", x, new double[] {1, 2, 1}).series("p99", x, new double[] {2000, 5, 5}).toSvg();
    Matcher d = Pattern.compile(" d=\"M[0-9.]+,([0-9.]+) L[0-9.]+,([0-9.]+) ").matcher(svg);
    assertThat(d.find()).isTrue();
    return Double.parseDouble(d.group(1)) - Double.parseDouble(d.group(2));
  }
}
