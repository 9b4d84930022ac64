package dev.grpcpool.bench.load.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart rendered as inline SVG, so a report opens offline with no script: axes fitted to the data with
 * readable ticks ({@link Axis}), one line per series (broken where a value is missing), vertical markers for events
 * such as faults, and a legend above the plot. The SVG has a {@code viewBox} and no fixed size: it fills the width
 * of its container.
 *
 * <p>Not thread-safe; build, then call {@link #toSvg}.
 */
public final class SvgChart {
  /** How an axis maps values. */
  public enum Scale {
    /** Linear, ticks at 1, 2 or 5 times a power of ten. */
    LINEAR,
    /** Linear for whole quantities (seconds, channels, calls): no tick between two whole numbers. */
    WHOLE,
    /** Logarithmic, for values that span decades (latency with a slow tail). */
    LOG,
    /** x in percentiles [0, 100), drawn as log10(1 / (1 - p)) so the tail gets room: 90, 99, 99.9 ... */
    PERCENTILE
  }

  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
      "#e377c2", "#7f7f7f"};
  /** Width of the drawing in its own units; the page scales it to the container's width. */
  private static final int WIDTH = 1000;
  private static final int PLOT_HEIGHT = 280;
  private static final int FONT = 14;
  /** A generous average glyph width at {@link #FONT}, to lay out labels without measuring text. */
  private static final double CHAR_WIDTH = 8.0;
  private static final int RIGHT = 44;
  private static final int BOTTOM = 50;
  private static final int LEGEND_ROW = 20;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private Scale xScale = Scale.LINEAR;
  private Scale yScale = Scale.LINEAR;
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();

  public SvgChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Sets how the axes map values; both are {@link Scale#LINEAR} unless set. */
  public SvgChart scales(Scale x, Scale y) {
    this.xScale = x;
    this.yScale = y;
    return this;
  }

  /** Adds a solid series; a NaN in {@code y} (no value) breaks the line there. */
  public SvgChart series(String name, double[] x, double[] y) {
    return series(name, x, y, false);
  }

  /** Adds a series, dashed to tell it from a solid one of the same kind (p99 beside p50). */
  public SvgChart series(String name, double[] x, double[] y, boolean dashed) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y");
    }
    series.add(new Series(name, x.clone(), y.clone(), dashed));
    return this;
  }

  /** Adds a vertical line at {@code x} with a short label (an event such as a fault). */
  public SvgChart marker(double x, String label) {
    markers.add(new Marker(x, label));
    return this;
  }

  public String toSvg() {
    Axis xAxis = fitX();
    Axis yAxis = fitY();
    // At least room for "10,000": charts stacked on one page then share their left edge, so seconds line up.
    int yLabelChars = Math.max(6, yAxis.labels().stream().mapToInt(String::length).max().orElse(1));
    int left = 30 + (int) Math.ceil(yLabelChars * CHAR_WIDTH) + 8;
    int plotW = WIDTH - left - RIGHT;
    List<int[]> legend = legendLayout(left, plotW);
    int legendRows = legend.isEmpty() ? 0 : legend.get(legend.size() - 1)[1] + 1;
    int top = 36 + legendRows * LEGEND_ROW + 6;
    int height = top + PLOT_HEIGHT + BOTTOM;
    Frame f = new Frame(xAxis, yAxis, left, top, plotW);

    StringBuilder sb = new StringBuilder();
    sb.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
        + "style=\"display:block;width:100%%;height:auto\" role=\"img\" "
        + "aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"%d\">%n", WIDTH, height, esc(title), FONT));
    sb.append(fmt("<text x=\"%d\" y=\"20\" font-size=\"16\" font-weight=\"bold\">%s</text>%n", left, esc(title)));
    for (int i = 0; i < yAxis.ticks().size(); i++) {
      double y = f.py(yAxis.ticks().get(i));
      sb.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left, left + plotW, y, y, left - 6, y + 5,
          yAxis.labels().get(i)));
    }
    for (int i = 0; i < xAxis.ticks().size(); i++) {
      double x = f.px(xAxis.ticks().get(i));
      sb.append(fmt("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#f0f0f0\"/>"
          + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, x, top, top + PLOT_HEIGHT, x,
          top + PLOT_HEIGHT + 18, xAxis.labels().get(i)));
    }
    sb.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", left, top,
        plotW, PLOT_HEIGHT));
    sb.append(fmt("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", left + plotW / 2,
        top + PLOT_HEIGHT + 40, esc(xLabel)));
    int midY = top + PLOT_HEIGHT / 2;
    sb.append(fmt("<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>%n", midY,
        midY, esc(yLabel)));
    for (int i = 0; i < series.size(); i++) {
      drawSeries(sb, series.get(i), COLORS[i % COLORS.length], f);
    }
    for (int i = 0; i < markers.size(); i++) {
      drawMarker(sb, markers.get(i), i, f);
    }
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      int x = legend.get(i)[0];
      int y = 44 + legend.get(i)[1] * LEGEND_ROW;
      sb.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"%s/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, x + 22, y - 4, y - 4, COLORS[i % COLORS.length],
          s.dashed ? " stroke-dasharray=\"6 3\"" : "", x + 28, y, esc(s.name)));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private Axis fitX() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (!Double.isNaN(s.y[i]) && !Double.isNaN(s.x[i])) {
          lo = Math.min(lo, s.x[i]);
          hi = Math.max(hi, s.x[i]);
        }
      }
    }
    for (Marker m : markers) {
      lo = Math.min(lo, m.x);
      hi = Math.max(hi, m.x);
    }
    return Axis.fit(xScale, lo, hi);
  }

  private Axis fitY() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.y) {
        // A log axis cannot show 0 (a second without calls); such points break the line instead.
        if (!Double.isNaN(v) && (yScale != Scale.LOG || v > 0)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    return Axis.fitBelowTop(yScale, lo, hi);
  }

  /** Each legend entry's x and row: entries flow left to right and wrap at the plot's width. */
  private List<int[]> legendLayout(int left, int plotW) {
    List<int[]> out = new ArrayList<>();
    int x = left;
    int row = 0;
    for (Series s : series) {
      int w = 28 + (int) Math.ceil(s.name.length() * CHAR_WIDTH) + 18;
      if (x > left && x + w > left + plotW) {
        x = left;
        row++;
      }
      out.add(new int[] {x, row});
      x += w;
    }
    return out;
  }

  private static void drawSeries(StringBuilder sb, Series s, String color, Frame f) {
    StringBuilder d = new StringBuilder();
    List<double[]> lone = new ArrayList<>();
    int run = 0;
    double[] last = null;
    for (int k = 0; k < s.x.length; k++) {
      double x = f.px(s.x[k]);
      double y = f.py(s.y[k]);
      if (Double.isNaN(x) || Double.isNaN(y)) {
        if (run == 1) {
          lone.add(last);
        }
        run = 0;
        continue;
      }
      d.append(run == 0 ? "M" : "L").append(fmt("%.1f,%.1f ", x, y));
      last = new double[] {x, y};
      run++;
    }
    if (run == 1) {
      lone.add(last);
    }
    sb.append(fmt("<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\"%s d=\"%s\">"
        + "<title>%s</title></path>%n", color, s.dashed ? " stroke-dasharray=\"6 3\"" : "", d.toString().trim(),
        esc(s.name)));
    // A value between two gaps has no line to show it: a dot does.
    for (double[] p : lone) {
      sb.append(fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", p[0], p[1], color));
    }
  }

  private static void drawMarker(StringBuilder sb, Marker m, int index, Frame f) {
    double x = f.px(m.x);
    if (Double.isNaN(x)) {
      return;
    }
    // Labels of nearby events would overlap on one line: three staggered rows keep them apart.
    int y = f.top + 14 + (index % 3) * 16;
    boolean nearRightEdge = x > f.left + f.plotW * 0.8;
    sb.append(fmt("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#444\" stroke-dasharray=\"4 3\"/>"
        + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" fill=\"#333\" stroke=\"#fff\" stroke-width=\"4\" "
        + "paint-order=\"stroke\">%s</text>%n", x, x, f.top, f.top + PLOT_HEIGHT, nearRightEdge ? x - 4 : x + 4, y,
        nearRightEdge ? "end" : "start", esc(m.label)));
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  public static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Where the plot area is and how values map into it. */
  private static final class Frame {
    final Axis x;
    final Axis y;
    final int left;
    final int top;
    final int plotW;

    Frame(Axis x, Axis y, int left, int top, int plotW) {
      this.x = x;
      this.y = y;
      this.left = left;
      this.top = top;
      this.plotW = plotW;
    }

    double px(double v) {
      return left + x.position(v) * plotW;
    }

    double py(double v) {
      return top + PLOT_HEIGHT - y.position(v) * PLOT_HEIGHT;
    }
  }

  private record Series(String name, double[] x, double[] y, boolean dashed) {}

  private record Marker(double x, String label) {}
}
