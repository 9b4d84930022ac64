package dev.grpcpool.bench.load.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A small line chart rendered as inline SVG, so a report opens offline with no script: axes with ticks, one
 * polyline per series, a legend. The x axis is linear or "percentile" (log scale of {@code 1 / (1 - p)}, the
 * usual way to show a latency distribution's tail).
 *
 * <p>Not thread-safe; build, then call {@link #toSvg}.
 */
public final class SvgChart {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
      "#e377c2", "#7f7f7f"};
  private static final int WIDTH = 860;
  private static final int HEIGHT = 360;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final boolean percentileAxis;
  private final List<Series> series = new ArrayList<>();

  public SvgChart(String title, String xLabel, String yLabel, boolean percentileAxis) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.percentileAxis = percentileAxis;
  }

  /** Adds a series; for a percentile axis, x values are percentiles in [0, 100). */
  public SvgChart series(String name, double[] x, double[] y) {
    series.add(new Series(name, x, y));
    return this;
  }

  private double xValue(double x) {
    // Percentile p maps to log10(1 / (1 - p/100)): 0 -> 0, 90 -> 1, 99 -> 2, 99.9 -> 3 ...
    return percentileAxis ? Math.log10(1.0 / (1.0 - Math.min(x, 99.9999) / 100.0)) : x;
  }

  public String toSvg() {
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = 0;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        minX = Math.min(minX, xValue(s.x[i]));
        maxX = Math.max(maxX, xValue(s.x[i]));
        maxY = Math.max(maxY, s.y[i]);
      }
    }
    if (minX > maxX) {
      minX = 0;
      maxX = 1;
    }
    if (maxX == minX) {
      maxX = minX + 1;
    }
    if (percentileAxis) {
      minX = 0;
      maxX = Math.max(1, Math.ceil(maxX));
    }
    maxY = niceCeiling(maxY);
    double x0 = minX;
    double xSpan = maxX - minX;
    double yMax = maxY;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    DoubleFunction<Double> px = v -> LEFT + (v - x0) / xSpan * plotW;
    DoubleFunction<Double> py = v -> TOP + plotH - v / yMax * plotH;

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
        LEFT, esc(title)));
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
        + "stroke=\"#999\"/>%n", LEFT, TOP, plotW, plotH));
    for (int i = 0; i <= 5; i++) {
      double v = yMax * i / 5;
      double y = py.apply(v);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, LEFT + plotW, y, y, LEFT - 6,
          y + 4, num(v)));
    }
    if (percentileAxis) {
      for (int d = 0; d <= (int) maxX; d++) {
        double x = px.apply(d);
        String label = d == 0 ? "0%" : trimPercent(100 - 100 / Math.pow(10, d)) + "%";
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, x, TOP, TOP + plotH, x,
            TOP + plotH + 16, label));
      }
    } else {
      for (int i = 0; i <= 6; i++) {
        double v = minX + xSpan * i / 6;
        double x = px.apply(v);
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x,
            TOP + plotH + 16, num(v)));
      }
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        LEFT + plotW / 2, HEIGHT - 10, esc(xLabel)));
    sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 14 %d)\">%s</text>%n", TOP + plotH / 2, TOP + plotH / 2, esc(yLabel)));
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String color = COLORS[i % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (int k = 0; k < s.x.length; k++) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.apply(xValue(s.x[k])), py.apply(s.y[k])));
      }
      sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" "
          + "points=\"%s\"><title>%s</title></polyline>%n", color, points.toString().trim(), esc(s.name)));
      int ly = TOP + 14 + i * 16;
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + 10, ly - 4, color, LEFT + 28, ly, esc(s.name)));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  static double niceCeiling(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f" : "%.1f", v);
  }

  private static String trimPercent(double p) {
    String s = String.format(Locale.ROOT, "%.6f", p);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  public static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static final class Series {
    final String name;
    final double[] x;
    final double[] y;

    Series(String name, double[] x, double[] y) {
      this.name = name;
      this.x = x;
      this.y = y;
    }
  }
}
