package dev.grpcpool.bench.load.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One axis of an {@link SvgChart}: its range fitted to the data, its ticks and their labels, and where a value
 * falls on it. Linear axes step by 1, 2 or 5 times a power of ten and end at the first step at or above the data;
 * whole-number axes (seconds, channels, calls) never step by less than 1; log axes run between powers of ten (the
 * top end at the next 1, 2 or 5 above the data); the percentile axis is a log scale of {@code 1 / (1 - p)}.
 *
 * <p>Immutable and thread-safe.
 */
final class Axis {
  /** Intervals a linear axis aims for; the 1-2-5 rounding gives between 4 and 8. */
  private static final int TARGET_INTERVALS = 5;
  /** Percentiles closer to 100 than this are drawn at it (the last level of a histogram is 100 itself). */
  private static final double MAX_PERCENTILE = 99.9999;

  private final SvgChart.Scale scale;
  private final double min;
  private final double max;
  private final List<Double> ticks;
  private final List<String> labels;

  private Axis(SvgChart.Scale scale, double min, double max, List<Double> ticks, List<String> labels) {
    this.scale = scale;
    this.min = min;
    this.max = max;
    this.ticks = List.copyOf(ticks);
    this.labels = List.copyOf(labels);
  }

  /**
   * An axis that shows every value in {@code [dataMin, dataMax]} (NaN values ignored by the caller). A linear or
   * whole axis of non-negative data starts at 0; a log axis starts at the power of ten at or below the smallest
   * positive value.
   */
  static Axis fit(SvgChart.Scale scale, double dataMin, double dataMax) {
    switch (scale) {
      case LOG:
        return log(dataMin, dataMax);
      case PERCENTILE:
        return percentile(dataMax);
      default:
        return linear(dataMin, dataMax, scale == SvgChart.Scale.WHOLE);
    }
  }

  /**
   * Like {@link #fit}, but the top is strictly above the largest value, so a line at the maximum (a steady rate of
   * exactly 300 calls/s) is not drawn on the frame where it cannot be seen.
   */
  static Axis fitBelowTop(SvgChart.Scale scale, double dataMin, double dataMax) {
    Axis a = fit(scale, dataMin, dataMax);
    if (scale == SvgChart.Scale.PERCENTILE || !(dataMax > 0) || a.max > dataMax * (1 + 1e-9)) {
      return a;
    }
    return fit(scale, dataMin, scale == SvgChart.Scale.LOG ? dataMax * 1.01
        : dataMax + (a.ticks.get(1) - a.ticks.get(0)) / 2);
  }

  private static Axis linear(double dataMin, double dataMax, boolean whole) {
    if (!(dataMin <= dataMax)) {
      dataMin = 0;
      dataMax = 1;
    }
    double lo = Math.min(0, dataMin);
    double span = dataMax - lo;
    double step = niceStep(span > 0 ? span / TARGET_INTERVALS : Math.max(Math.abs(dataMax), 1) / TARGET_INTERVALS);
    if (whole) {
      step = Math.max(1, step);
    }
    double from = Math.floor(lo / step) * step;
    double to = Math.ceil(dataMax / step) * step;
    if (to <= from) {
      to = from + step;
    }
    int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    long n = Math.round((to - from) / step);
    for (long i = 0; i <= n; i++) {
      double v = from + i * step;
      ticks.add(v);
      labels.add(number(v, decimals));
    }
    return new Axis(whole ? SvgChart.Scale.WHOLE : SvgChart.Scale.LINEAR, from, to, ticks, labels);
  }

  private static Axis log(double dataMin, double dataMax) {
    if (!(dataMin > 0) || !(dataMax >= dataMin)) {
      dataMin = 1;
      dataMax = Math.max(10, dataMax > 0 ? dataMax : 10);
    }
    int lowExp = (int) Math.floor(Math.log10(dataMin) + 1e-9);
    double lo = Math.pow(10, lowExp);
    double hi = niceCeiling(dataMax);
    if (hi <= lo) {
      hi = lo * 10;
    }
    int highExp = (int) Math.ceil(Math.log10(hi) - 1e-9);
    // Few decades leave room for 2 and 5 between the powers of ten; many would crowd the labels.
    double[] mantissas = highExp - lowExp <= 3 ? new double[] {1, 2, 5} : new double[] {1};
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int e = lowExp; e <= highExp; e++) {
      for (double m : mantissas) {
        double v = m * Math.pow(10, e);
        if (v > hi * (1 + 1e-9)) {
          break;
        }
        ticks.add(v);
        labels.add(number(v, Math.max(0, -e)));
      }
    }
    if (Math.abs(ticks.get(ticks.size() - 1) - hi) > hi * 1e-9) {
      ticks.add(hi);
      labels.add(number(hi, Math.max(0, -(int) Math.floor(Math.log10(hi)))));
    }
    return new Axis(SvgChart.Scale.LOG, lo, hi, ticks, labels);
  }

  private static Axis percentile(double maxPercentile) {
    double top = Math.max(1, Math.ceil(percentilePosition(Math.max(0, maxPercentile)) - 1e-9));
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    ticks.add(0.0);
    labels.add("0%");
    ticks.add(50.0);
    labels.add("50%");
    for (int d = 1; d <= top; d++) {
      double p = 100 - 100 / Math.pow(10, d);
      ticks.add(p);
      labels.add(number(p, Math.max(0, d - 2)) + "%");
    }
    return new Axis(SvgChart.Scale.PERCENTILE, 0, top, ticks, labels);
  }

  private static double percentilePosition(double p) {
    // p maps to log10(1 / (1 - p/100)): 0 -> 0, 90 -> 1, 99 -> 2, 99.9 -> 3 ...
    return Math.log10(1.0 / (1.0 - Math.min(p, MAX_PERCENTILE) / 100.0));
  }

  /** 1, 2 or 5 times a power of ten, nearest to {@code raw} (the usual "nice number" rounding). */
  static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / p;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  static double niceCeiling(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v * (1 - 1e-12)) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String number(double v, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  /**
   * Where {@code v} falls: 0 at {@link #min}, 1 at {@link #max}; NaN when it cannot be drawn (NaN itself, or not
   * positive on a log axis), so the caller breaks the line there.
   */
  double position(double v) {
    if (Double.isNaN(v)) {
      return Double.NaN;
    }
    switch (scale) {
      case LOG:
        return v <= 0 ? Double.NaN : Math.log10(v / min) / Math.log10(max / min);
      case PERCENTILE:
        return percentilePosition(v) / max;
      default:
        return (v - min) / (max - min);
    }
  }

  double min() {
    return min;
  }

  /** The top of the axis (for a percentile axis, in decades: 3 is 99.9 %). */
  double max() {
    return max;
  }

  List<Double> ticks() {
    return ticks;
  }

  List<String> labels() {
    return labels;
  }
}
