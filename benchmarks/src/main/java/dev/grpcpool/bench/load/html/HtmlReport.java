package dev.grpcpool.bench.load.html;

import dev.grpcpool.bench.results.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Turns one or more load runs into one self-contained HTML page: a table of counts and percentiles, a latency
 * percentile chart (corrected and service time) and a per-second timeline (calls, errors, p50 and p99). Charts are
 * inline SVG; the page loads nothing from the network.
 *
 * <p>Stateless and thread-safe.
 */
public final class HtmlReport {
  private static final double[] TABLE_PERCENTILES = {50, 90, 99, 99.9, 99.99};

  private HtmlReport() {}

  /**
   * Reads the run folders and writes the page to {@code file}, which must not exist.
   *
   * @param merge add the runs up as one (runs that drove one target at the same time) instead of side by side
   * @throws IllegalArgumentException if a folder is not a load run folder or {@code file} exists
   */
  public static List<RunData> write(List<Path> runDirs, boolean merge, Path file) {
    if (Files.exists(file)) {
      throw new IllegalArgumentException(file + " already exists; refusing to overwrite it");
    }
    List<RunData> runs = new ArrayList<>();
    for (Path dir : runDirs) {
      runs.add(RunData.read(dir));
    }
    List<RunData> shown = merge ? List.of(RunData.merge(runs)) : runs;
    String html = render(shown, runDirs);
    try {
      Files.writeString(Files.createFile(file), html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return shown;
  }

  /**
   * Where the page goes when the user names no file: {@code report.html} in the run folder for one run
   * ({@code report-2.html}, … when taken), else {@code report.html} in a new run folder under {@code results/}.
   */
  public static Path defaultFile(List<Path> runDirs) {
    if (runDirs.size() == 1) {
      Path dir = runDirs.get(0);
      for (int n = 1; n < 1000; n++) {
        Path f = dir.resolve(n == 1 ? "report.html" : "report-" + n + ".html");
        if (!Files.exists(f)) {
          return f;
        }
      }
      throw new IllegalArgumentException("too many reports in " + dir);
    }
    return RunFolder.create("report").path().resolve("report.html");
  }

  static String render(List<RunData> runs, List<Path> dirs) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>grpcpool load report</title>\n")
        .append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;"
            + "margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,"
            + "td:first-child{text-align:left}.note{color:#555;font-size:90%}</style>\n</head><body>\n")
        .append("<h1>grpcpool load report</h1>\n<p class=\"note\">Generated ")
        .append(Instant.now()).append(" from ");
    for (int i = 0; i < dirs.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append("<code>").append(SvgChart.esc(dirs.get(i).toString())).append("</code>");
    }
    sb.append(". Latency in milliseconds. <em>Corrected</em>: from each call's intended start (coordinated"
        + " omission corrected); <em>service</em>: from its actual send.</p>\n");
    sb.append("<table><tr><th>run</th><th>sent</th><th>ok</th><th>errors</th><th>achieved calls/s</th>"
        + "<th>view</th>");
    for (double p : TABLE_PERCENTILES) {
      sb.append("<th>p").append(pct(p)).append("</th>");
    }
    sb.append("<th>max</th></tr>\n");
    for (RunData r : runs) {
      row(sb, r, "corrected", r.correctedTotal());
      if (r.serviceTotal().getTotalCount() > 0) {
        row(sb, r, "service", r.serviceTotal());
      }
    }
    sb.append("</table>\n");

    SvgChart percentiles = new SvgChart("Latency by percentile", "percentile", "latency (ms)", true);
    for (RunData r : runs) {
      addDistribution(percentiles, r.name() + " corrected", r.correctedTotal());
      if (r.serviceTotal().getTotalCount() > 0) {
        addDistribution(percentiles, r.name() + " service", r.serviceTotal());
      }
    }
    sb.append(percentiles.toSvg());

    long origin = Long.MAX_VALUE;
    for (RunData r : runs) {
      if (!r.corrected().isEmpty()) {
        origin = Math.min(origin, r.corrected().firstKey());
      }
    }
    SvgChart latency = new SvgChart("Latency per second (corrected)", "second", "latency (ms)", false);
    SvgChart calls = new SvgChart("Calls completed and errors per second", "second", "calls", false);
    for (RunData r : runs) {
      timeline(latency, calls, r, origin);
    }
    sb.append(latency.toSvg()).append(calls.toSvg());
    sb.append("<ul class=\"note\">\n");
    for (RunData r : runs) {
      for (String n : r.notes()) {
        sb.append("<li>").append(SvgChart.esc(n)).append("</li>\n");
      }
    }
    sb.append("</ul>\n</body></html>\n");
    return sb.toString();
  }

  private static void row(StringBuilder sb, RunData r, String view, Histogram h) {
    sb.append("<tr><td>").append(SvgChart.esc(r.name())).append("</td><td>").append(r.sent()).append("</td><td>")
        .append(r.ok()).append("</td><td>").append(r.errorCount()).append("</td><td>")
        .append(String.format(Locale.ROOT, "%.1f", r.achievedRate())).append("</td><td>").append(view).append("</td>");
    for (double p : TABLE_PERCENTILES) {
      sb.append("<td>").append(ms(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p))).append("</td>");
    }
    sb.append("<td>").append(ms(h.getTotalCount() == 0 ? 0 : h.getMaxValue())).append("</td></tr>\n");
  }

  private static void addDistribution(SvgChart chart, String name, Histogram h) {
    if (h.getTotalCount() == 0) {
      return;
    }
    List<double[]> points = new ArrayList<>();
    for (HistogramIterationValue v : h.percentiles(5)) {
      if (v.getPercentileLevelIteratedTo() >= 100) {
        break;
      }
      points.add(new double[] {v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / 1000.0});
    }
    double[] x = new double[points.size()];
    double[] y = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i)[0];
      y[i] = points.get(i)[1];
    }
    chart.series(name, x, y);
  }

  private static void timeline(SvgChart latency, SvgChart calls, RunData r, long origin) {
    int n = r.corrected().size();
    double[] x = new double[n];
    double[] p50 = new double[n];
    double[] p99 = new double[n];
    double[] count = new double[n];
    double[] errors = new double[n];
    int i = 0;
    for (Map.Entry<Long, Histogram> e : r.corrected().entrySet()) {
      Histogram h = e.getValue();
      x[i] = e.getKey() - origin;
      p50[i] = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50) / 1000.0;
      p99[i] = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0;
      count[i] = h.getTotalCount();
      errors[i] = r.errors().getOrDefault(e.getKey(), 0L);
      i++;
    }
    latency.series(r.name() + " p50", x, p50).series(r.name() + " p99", x, p99);
    calls.series(r.name() + " calls", x, count).series(r.name() + " errors", x, errors);
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
  }

  private static String pct(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }
}
