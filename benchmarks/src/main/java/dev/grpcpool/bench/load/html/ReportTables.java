package dev.grpcpool.bench.load.html;

import dev.grpcpool.bench.load.FaultInjector;
import dev.grpcpool.bench.load.RunOutput;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * The tables of a report page: runs and their counts, latency percentiles, faults, per-backend, per-channel and
 * pool-channel figures (the ones the console summary prints), and the runs' configurations side by side. Each
 * table sits in its own scrolling box, so a narrow window scrolls the table and not the page.
 *
 * <p>Stateless and thread-safe.
 */
final class ReportTables {
  private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};
  private static final String[] PERCENTILE_HEADERS = {"p50", "p90", "p99", "p99.9", "p99.99"};
  private static final DateTimeFormatter START =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private ReportTables() {}

  /** One row per run measured (each merged run, then their sum): when, how, the counts and the verdict. */
  static void runs(StringBuilder sb, List<RunData> runs) {
    List<String[]> rows = new ArrayList<>();
    for (RunData r : runs) {
      for (RunSummary s : r.sources()) {
        rows.add(new String[] {s.name(), START.format(s.start()), s.mode(), seconds(s.measuredSeconds()),
            count(s.sent()), count(s.ok()), count(s.failed()), count(s.unfinished()), rate(s.achievedRate()),
            s.outcome().isEmpty() ? "-" : s.outcome()});
      }
      if (r.sources().size() > 1) {
        rows.add(new String[] {r.name(), "", "", "", count(r.sent()), count(r.ok()), count(r.errorCount()),
            count(r.sources().stream().mapToLong(RunSummary::unfinished).sum()), rate(r.achievedRate()), ""});
      }
    }
    table(sb, new String[] {"run", "start (UTC)", "mode", "measured s", "sent", "ok", "failed", "unfinished",
        "ok calls/s", "verdict"}, rows, 3);
    List<String> findings = new ArrayList<>();
    for (RunData r : runs) {
      for (RunSummary s : r.sources()) {
        for (String f : s.findings()) {
          findings.add("<b>" + SvgChart.esc(s.name()) + "</b>: " + SvgChart.esc(f));
        }
      }
    }
    if (!findings.isEmpty()) {
      sb.append("<ul class=\"findings\">\n");
      findings.forEach(f -> sb.append("<li>").append(f).append("</li>\n"));
      sb.append("</ul>\n");
    }
  }

  /** Percentiles of every call that ended, corrected and (when recorded) service time. */
  static void latency(StringBuilder sb, List<RunData> runs) {
    List<String[]> rows = new ArrayList<>();
    for (RunData r : runs) {
      rows.add(latencyRow(r.name(), "corrected", r.correctedTotal()));
      if (r.serviceTotal().getTotalCount() > 0) {
        rows.add(latencyRow(r.name(), "service", r.serviceTotal()));
      }
    }
    List<String> headers = new ArrayList<>(List.of("run", "view", "calls"));
    headers.addAll(List.of(PERCENTILE_HEADERS));
    headers.add("max");
    table(sb, headers.toArray(new String[0]), rows, 2);
  }

  private static String[] latencyRow(String run, String view, Histogram h) {
    String[] row = new String[3 + PERCENTILES.length + 1];
    row[0] = run;
    row[1] = view;
    row[2] = count(h.getTotalCount());
    for (int i = 0; i < PERCENTILES.length; i++) {
      row[3 + i] = h.getTotalCount() == 0 ? "-" : ms(h.getValueAtPercentile(PERCENTILES[i]) / 1000.0);
    }
    row[row.length - 1] = h.getTotalCount() == 0 ? "-" : ms(h.getMaxValue() / 1000.0);
    return row;
  }

  /** The faults as applied; nothing when no run had any. */
  static void faults(StringBuilder sb, List<RunData> runs) {
    List<String[]> rows = new ArrayList<>();
    for (RunData r : runs) {
      for (RunSummary s : r.sources()) {
        for (FaultInjector.AppliedFault f : s.faults()) {
          rows.add(new String[] {s.name(), f.fault(), seconds(f.plannedMillis() / 1000.0),
              seconds(f.appliedMillis() / 1000.0), f.error() == null ? "" : f.error()});
        }
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    sb.append("<h2>Faults</h2>\n");
    table(sb, new String[] {"run", "fault", "planned s", "applied s", "error"}, rows, 2);
  }

  /** Per backend, per channel and the pool's own per-channel counters of each run. */
  static void groups(StringBuilder sb, List<RunData> runs) {
    for (RunData r : runs) {
      for (RunSummary s : r.sources()) {
        if (s.backends().isEmpty() && s.channels().isEmpty() && s.poolChannels().isEmpty()) {
          continue;
        }
        sb.append("<h3>").append(SvgChart.esc(s.name())).append("</h3>\n<div class=\"side\">\n");
        groupTable(sb, "backend", s.backends());
        groupTable(sb, "channel", s.channels());
        poolTable(sb, s);
        sb.append("</div>\n");
      }
    }
  }

  private static void groupTable(StringBuilder sb, String what, List<RunOutput.GroupJson> groups) {
    if (groups.isEmpty()) {
      return;
    }
    List<String[]> rows = new ArrayList<>();
    for (RunOutput.GroupJson g : groups) {
      rows.add(new String[] {g.name(), count(g.sent()), count(g.ok()), count(g.failed()), count(g.unfinished()),
          g.p50() == null ? "-" : ms(g.p50()), g.p99() == null ? "-" : ms(g.p99())});
    }
    table(sb, new String[] {"per " + what, "sent", "ok", "failed", "unfinished", "p50 ms", "p99 ms"}, rows, 1);
  }

  private static void poolTable(StringBuilder sb, RunSummary s) {
    List<Map<String, String>> channels = s.poolChannels();
    if (channels.isEmpty()) {
      return;
    }
    Set<String> columns = new LinkedHashSet<>();
    channels.forEach(c -> columns.addAll(c.keySet()));
    List<String[]> rows = new ArrayList<>();
    for (Map<String, String> c : channels) {
      rows.add(columns.stream().map(k -> c.getOrDefault(k, "")).toArray(String[]::new));
    }
    List<String> headers = new ArrayList<>();
    columns.forEach(k -> headers.add(k.equals("index") ? "pool channel" : k));
    sb.append("<div>");
    table(sb, headers.toArray(new String[0]), rows, 2);
    List<String> counters = new ArrayList<>();
    s.poolCounters().forEach((k, v) -> counters.add(SvgChart.esc(k) + " " + SvgChart.esc(v)));
    sb.append("<p class=\"note\">The pool's own counters over the measurement; ").append(String.join(", ", counters))
        .append(".</p></div>\n");
  }

  /** Every setting of the runs, one column per run, so two runs' differences stand next to each other. */
  static void configuration(StringBuilder sb, List<RunData> runs) {
    List<RunSummary> all = new ArrayList<>();
    runs.forEach(r -> all.addAll(r.sources()));
    Set<String> keys = new LinkedHashSet<>();
    keys.add("warm-up (as run)");
    all.forEach(s -> keys.addAll(s.configuration().keySet()));
    List<String[]> rows = new ArrayList<>();
    for (String k : keys) {
      String[] row = new String[all.size() + 1];
      row[0] = k;
      for (int i = 0; i < all.size(); i++) {
        RunSummary s = all.get(i);
        row[i + 1] = k.equals("warm-up (as run)") ? s.warmup() : s.configuration().getOrDefault(k, "");
      }
      rows.add(row);
    }
    String[] headers = new String[all.size() + 1];
    headers[0] = "setting";
    for (int i = 0; i < all.size(); i++) {
      headers[i + 1] = all.get(i).name();
    }
    table(sb, headers, rows, headers.length, true);
  }

  private static void table(StringBuilder sb, String[] headers, List<String[]> rows, int textColumns) {
    table(sb, headers, rows, textColumns, false);
  }

  /**
   * A table in its own scrolling box; the first {@code textColumns} columns are text, the rest numbers. With
   * {@code wrap}, text cells after the first may wrap (long values such as targets); others stay on one line.
   */
  private static void table(StringBuilder sb, String[] headers, List<String[]> rows, int textColumns,
      boolean wrap) {
    sb.append("<div class=\"scroll\"><table>\n<tr>");
    for (int i = 0; i < headers.length; i++) {
      sb.append(i < textColumns ? "<th class=\"t\">" : "<th>").append(SvgChart.esc(headers[i])).append("</th>");
    }
    sb.append("</tr>\n");
    for (String[] row : rows) {
      sb.append("<tr>");
      for (int i = 0; i < row.length; i++) {
        sb.append(i >= textColumns ? "<td>" : wrap && i > 0 ? "<td class=\"t w\">" : "<td class=\"t\">")
            .append(SvgChart.esc(row[i])).append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</table></div>\n");
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.1f", perSecond);
  }

  private static String ms(double millis) {
    return String.format(Locale.ROOT, "%.3f", millis);
  }

  private static String seconds(double s) {
    return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.3f", s).replaceAll("\\.?0+$", "");
  }
}
