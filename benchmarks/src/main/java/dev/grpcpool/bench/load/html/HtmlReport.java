package dev.grpcpool.bench.load.html;

import dev.grpcpool.bench.results.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One self-contained HTML page of one or more load runs: the runs' counts and verdicts, latency percentiles, charts
 * of latency, calls and the pool's size per second (t = 0 at each run's own measured start, faults marked) and of
 * the latency distribution, per-backend and per-channel tables, and the runs' configurations. Charts are inline SVG;
 * latency charts are drawn on a log and on a linear axis with a switch between them in CSS, so the page needs
 * neither script nor network.
 *
 * <p>{@link #of} reads and checks everything before {@link #writeTo} creates a file, so bad input leaves nothing
 * behind. Immutable once built; thread-safe.
 */
public final class HtmlReport {
  private static final String CSS = String.join("",
      "body{font-family:system-ui,sans-serif;margin:16px 24px;color:#222}",
      "h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 6px;border-bottom:1px solid #ddd}",
      "h3{font-size:1em;margin:16px 0 4px}",
      ".scroll{overflow-x:auto;max-width:100%}",
      "table{border-collapse:collapse;margin:6px 0;font-size:14px;font-variant-numeric:tabular-nums}",
      "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;vertical-align:top}",
      // Numbers stay on one line; text (run names break at their hyphens) and headers wrap so tables fit narrow
      // windows; a value without a break point (a long target) breaks anywhere rather than widen the page.
      "td{white-space:nowrap}th{background:#f4f4f4}td.t,th.t{text-align:left}td.t{white-space:normal}",
      "td.w{min-width:16ch;max-width:60ch;overflow-wrap:anywhere}",
      "@media (max-width:1000px){table{font-size:13px}td,th{padding:2px 5px}}",
      ".side{display:flex;flex-wrap:wrap;gap:0 24px;align-items:flex-start}.side>*{max-width:100%}",
      ".note{color:#555;font-size:90%}.findings{margin:4px 0;font-size:90%}",
      ".warn{background:#fff4e0;border-left:4px solid #e08a00;padding:6px 10px;margin:8px 0}",
      ".chart{margin:10px 0 18px}.switch{margin:6px 0;font-size:95%}",
      "#scale-log:checked~.charts .lin,#scale-lin:checked~.charts .log{display:none}");

  private final List<RunData> runs;
  private final List<Path> dirs;
  private final List<String> warnings;

  private HtmlReport(List<RunData> runs, List<Path> dirs, List<String> warnings) {
    this.runs = List.copyOf(runs);
    this.dirs = List.copyOf(dirs);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Reads the run folders; with {@code merge}, adds them up into one (runs that drove one target at the same time)
   * instead of showing them side by side.
   *
   * @throws IllegalArgumentException in one line, if a folder is not a readable load run folder, or runs to merge
   *     never ran at the same time
   */
  public static HtmlReport of(List<Path> runDirs, boolean merge) {
    List<RunData> read = new ArrayList<>();
    for (Path dir : runDirs) {
      read.add(RunData.read(dir));
    }
    List<RunData> shown = merge ? List.of(RunData.merge(read)) : read;
    List<String> warnings = new ArrayList<>();
    for (RunData r : shown) {
      if (!r.gaps().isEmpty()) {
        warnings.add(gapWarning(r));
      }
    }
    return new HtmlReport(shown, runDirs, warnings);
  }

  private static String gapWarning(RunData r) {
    long total = r.gaps().stream().mapToLong(RunData.Gap::seconds).sum();
    List<String> spans = new ArrayList<>();
    for (RunData.Gap g : r.gaps()) {
      spans.add(g.from() == g.to() ? "t = " + g.from() + " s" : "t = " + g.from() + "-" + g.to() + " s");
    }
    return String.format(Locale.ROOT, "%s: no run was measuring for %d s (%s); the lines are broken there and "
        + "those seconds are in no figure", r.name(), total, String.join(", ", spans));
  }

  /** What the page shows: the runs, or the one merged run. */
  public List<RunData> runs() {
    return runs;
  }

  /** Problems the page warns about (gaps in a merged timeline), one line each. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Checks that {@code file} could be created: it does not exist and its folder does and can be written to.
   *
   * @throws IllegalArgumentException naming the problem in one line
   */
  public static void checkNewFile(Path file) {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(file + " already exists; refusing to overwrite it");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.exists(parent)) {
      throw new IllegalArgumentException("cannot write " + file + ": folder " + parent + " does not exist");
    }
    if (!Files.isDirectory(parent)) {
      throw new IllegalArgumentException("cannot write " + file + ": " + parent + " is not a folder");
    }
    if (!Files.isWritable(parent)) {
      throw new IllegalArgumentException("cannot write " + file + ": folder " + parent + " is not writable");
    }
  }

  /**
   * Writes the page to {@code file}, which must not exist; a write that fails part-way leaves no file.
   *
   * @throws IllegalArgumentException naming the problem in one line (see {@link #checkNewFile})
   */
  public void writeTo(Path file) {
    checkNewFile(file);
    String html = render();
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(file + " already exists; refusing to overwrite it");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create " + file + ": " + e.getMessage());
    }
    try {
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // The message below names the file; a half-written page is the lesser problem.
      }
      throw new IllegalArgumentException("cannot write " + file + ": " + e.getMessage());
    }
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

  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>grpcpool load report</title>\n<style>").append(CSS).append("</style>\n</head><body>\n")
        .append("<h1>grpcpool load report</h1>\n<p class=\"note\">Generated ").append(Instant.now())
        .append(" from ");
    for (int i = 0; i < dirs.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append("<code>").append(SvgChart.esc(dirs.get(i).toString())).append("</code>");
    }
    sb.append(runs.size() > 1 ? "; runs side by side, each from its own start (t = 0)" : "")
        .append(". Latency in milliseconds: <em>corrected</em> from each call's intended start (coordinated omission"
            + " corrected), <em>service</em> from its actual send; a closed loop has no schedule, so both are"
            + " service time.</p>\n");
    for (String w : warnings) {
      sb.append("<p class=\"warn\">").append(SvgChart.esc(w)).append("</p>\n");
    }
    for (RunData r : runs) {
      for (String a : r.about()) {
        sb.append("<p class=\"note\">").append(SvgChart.esc(a)).append("</p>\n");
      }
      for (String n : r.notes()) {
        sb.append("<p class=\"warn\">").append(SvgChart.esc(n)).append("</p>\n");
      }
    }
    sb.append("<h2>Runs</h2>\n");
    ReportTables.runs(sb, runs);
    sb.append("<h2>Latency (ms)</h2>\n");
    ReportTables.latency(sb, runs);
    sb.append("<h2>Over time</h2>\n");
    // The switch is two radio buttons and a CSS rule: each latency chart is drawn on both scales and one is hidden.
    sb.append("<input type=\"radio\" name=\"scale\" id=\"scale-log\" checked>")
        .append("<label for=\"scale-log\" class=\"switch\"> latency on a log axis</label>&nbsp;&nbsp;")
        .append("<input type=\"radio\" name=\"scale\" id=\"scale-lin\">")
        .append("<label for=\"scale-lin\" class=\"switch\"> linear axis</label>\n<div class=\"charts\">\n");
    sb.append(bothScales(perSecondLatency(SvgChart.Scale.LOG), perSecondLatency(SvgChart.Scale.LINEAR)));
    sb.append("<div class=\"chart\">").append(perSecondCalls().toSvg()).append("</div>\n");
    if (runs.stream().anyMatch(r -> r.timeline().hasPool())) {
      sb.append("<div class=\"chart\">").append(perSecondPool().toSvg()).append("</div>\n");
    }
    sb.append(bothScales(distribution(SvgChart.Scale.LOG), distribution(SvgChart.Scale.LINEAR)));
    sb.append("</div>\n");
    ReportTables.faults(sb, runs);
    sb.append("<h2>Per backend and per channel</h2>\n");
    ReportTables.groups(sb, runs);
    sb.append("<h2>Configuration</h2>\n");
    ReportTables.configuration(sb, runs);
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static String bothScales(SvgChart log, SvgChart linear) {
    return "<div class=\"chart log\">" + log.toSvg() + "</div>\n<div class=\"chart lin\">" + linear.toSvg()
        + "</div>\n";
  }

  private String label(RunData r, String what) {
    return runs.size() > 1 ? r.name() + " " + what : what;
  }

  private SvgChart perSecondLatency(SvgChart.Scale y) {
    SvgChart c = new SvgChart("Latency per second (corrected)", "seconds since the start of the measurement",
        "latency (ms, " + (y == SvgChart.Scale.LOG ? "log" : "linear") + ")").scales(SvgChart.Scale.WHOLE, y);
    for (RunData r : runs) {
      RunData.Timeline t = r.timeline();
      c.series(label(r, "p50"), t.second(), t.p50()).series(label(r, "p99"), t.second(), t.p99(), true);
    }
    return markFaults(c);
  }

  private SvgChart perSecondCalls() {
    SvgChart c = new SvgChart("Calls ended and failed per second", "seconds since the start of the measurement",
        "calls").scales(SvgChart.Scale.WHOLE, SvgChart.Scale.WHOLE);
    for (RunData r : runs) {
      RunData.Timeline t = r.timeline();
      c.series(label(r, "calls"), t.second(), t.calls()).series(label(r, "failed"), t.second(), t.errors(), true);
      if (t.hasPool()) {
        c.series(label(r, "waited for a stream"), t.second(), t.queuedCalls(), true);
      }
    }
    return markFaults(c);
  }

  /**
   * The pool's channels per second, where a pool that sizes itself shows how it followed the load. Its calls that
   * waited for a stream are drawn in the calls chart: they are counted in calls, not channels.
   */
  private SvgChart perSecondPool() {
    SvgChart c = new SvgChart("Pool size per second (channels at the end of each second)",
        "seconds since the start of the measurement", "channels").scales(SvgChart.Scale.WHOLE, SvgChart.Scale.WHOLE);
    for (RunData r : runs) {
      RunData.Timeline t = r.timeline();
      if (t.hasPool()) {
        c.series(label(r, "pool size"), t.second(), t.poolSize());
      }
    }
    return markFaults(c);
  }

  private SvgChart markFaults(SvgChart c) {
    for (RunData r : runs) {
      for (RunData.Event e : r.faults()) {
        c.marker(e.second(), runs.size() > 1 && r.sources().size() == 1 ? r.name() + " " + e.label() : e.label());
      }
    }
    return c;
  }

  private SvgChart distribution(SvgChart.Scale y) {
    SvgChart c = new SvgChart("Latency by percentile (every call of the measurement)", "percentile",
        "latency (ms, " + (y == SvgChart.Scale.LOG ? "log" : "linear") + ")").scales(SvgChart.Scale.PERCENTILE, y);
    for (RunData r : runs) {
      addDistribution(c, label(r, "corrected"), r.correctedTotal(), false);
      if (r.serviceTotal().getTotalCount() > 0) {
        addDistribution(c, label(r, "service"), r.serviceTotal(), true);
      }
    }
    return c;
  }

  private static void addDistribution(SvgChart chart, String name, Histogram h, boolean dashed) {
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
    chart.series(name, x, y, dashed);
  }
}
