package dev.grpcpool.bench.compare;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link ComparisonReport} for people: an aligned plain-text table for the terminal and CI logs, and
 * Markdown for a job summary or a pull-request comment. Both say what was compared, on which machines, by which
 * rules, and for every row the rule that decided.
 *
 * <p>Stateless and thread-safe.
 */
public final class ReportFormatter {

  private static final String[] HEADER =
      {"Benchmark", "Params", "Mode", "Thr", "Unit", "Baseline", "Candidate", "Change", "Verdict", "Rule"};
  private static final String[] FORK_HEADER = {"Benchmark", "Params", "Thr", "Unit", "Baseline forks",
      "Candidate forks"};
  private static final String[] LATENCY_HEADER =
      {"Latency file", "Pct", "Source", "Baseline", "Candidate", "Change", "Verdict", "Rule"};

  /** Columns right-aligned in Markdown. */
  private static final Set<String> NUMERIC = Set.of("Thr", "Baseline", "Candidate", "Change");
  private static final Set<String> LATENCY_NUMERIC = Set.of("Baseline", "Candidate", "Change");

  private ReportFormatter() {}

  /** Aligned table with a header block and a summary line. */
  public static String table(ComparisonReport r) {
    return table(r, false);
  }

  /** Aligned table; with {@code forks}, followed by each key's per-fork means on both sides. */
  public static String table(ComparisonReport r, boolean forks) {
    StringBuilder sb = new StringBuilder();
    for (String line : preamble(r)) {
      sb.append(line).append('\n');
    }
    sb.append('\n');
    appendAligned(sb, HEADER, rows(r, false));
    if (forks) {
      sb.append('\n').append(FORK_TITLE).append('\n');
      appendAligned(sb, FORK_HEADER, forkRows(r));
    }
    if (!r.latency().isEmpty()) {
      sb.append('\n').append(latencyTitle(r)).append('\n');
      appendAligned(sb, LATENCY_HEADER, latencyRows(r, false));
    }
    sb.append('\n').append(summary(r)).append('\n');
    return sb.toString();
  }

  /** GitHub-flavoured Markdown: a heading with the outcome, the preamble as a list, and the tables. */
  public static String markdown(ComparisonReport r) {
    return markdown(r, false);
  }

  /** Markdown; with {@code forks}, also a table of each key's per-fork means on both sides. */
  public static String markdown(ComparisonReport r, boolean forks) {
    StringBuilder sb = new StringBuilder();
    sb.append("### Benchmark comparison: ")
        .append(r.regressions() > 0 ? "regression found" : "no regression").append("\n\n");
    sb.append(summary(r)).append("\n\n");
    for (String line : preamble(r)) {
      sb.append("- ").append(escape(line)).append('\n');
    }
    sb.append('\n');
    appendMarkdownTable(sb, HEADER, NUMERIC, rows(r, true));
    if (forks) {
      sb.append('\n').append("**").append(FORK_TITLE).append("**\n\n");
      appendMarkdownTable(sb, FORK_HEADER, Set.of("Thr"), forkRows(r));
    }
    if (!r.latency().isEmpty()) {
      sb.append('\n').append("**").append(latencyTitle(r)).append("**\n\n");
      appendMarkdownTable(sb, LATENCY_HEADER, LATENCY_NUMERIC, latencyRows(r, true));
    }
    return sb.toString();
  }

  static String summary(ComparisonReport r) {
    Map<Verdict, Integer> c = r.counts();
    List<String> parts = new ArrayList<>();
    for (Verdict v : Verdict.values()) {
      parts.add(c.get(v) + " " + v.label());
    }
    String s = String.join(", ", parts) + ".";
    long latReg = r.latency().stream().filter(l -> l.verdict() == Verdict.REGRESSED).count();
    if (latReg > 0) {
      s += " Latency: " + latReg + " percentile" + (latReg == 1 ? "" : "s") + " regressed"
          + (r.options().gateLatency() ? " (gated)." : " (advisory).");
    }
    return s;
  }

  private static List<String> preamble(ComparisonReport r) {
    CompareOptions o = r.options();
    List<String> lines = new ArrayList<>();
    lines.add("Baseline:  " + r.baselinePath() + " — " + r.baselineEnvironment());
    lines.add("Candidate: " + r.candidatePath() + " — " + r.candidateEnvironment());
    lines.add("Rules: a change must exceed ±" + KeyComparator.thresholdText(o.threshold())
        + " and be supported by Welch's"
        + " t-test on per-fork means (p < " + o.alpha() + ", from " + o.minForks()
        + " forks per side) or, with fewer forks, by non-overlapping 99.9% intervals; otherwise inconclusive.");
    if (r.normalization() != null) {
      ComparisonReport.Normalization n = r.normalization();
      lines.add("Normalized by " + n.reference() + ": baseline " + number(n.baselineScore()) + " " + n.unit()
          + ", candidate " + number(n.candidateScore()) + " " + n.unit() + " ("
          + KeyComparator.percent((n.candidateScore() - n.baselineScore()) / n.baselineScore())
          + "); time-based scores below are relative to it.");
    }
    lines.addAll(r.notes());
    return lines;
  }

  private static String latencyTitle(ComparisonReport r) {
    return "Latency percentiles (lower is better; " + (r.options().gateLatency() ? "gated" : "advisory")
        + "; values in the files' own unit)";
  }

  private static List<String[]> rows(ComparisonReport r, boolean markdown) {
    List<String[]> out = new ArrayList<>();
    for (KeyComparison k : r.rows()) {
      String verdict = k.verdict().label();
      if (markdown && (k.verdict() == Verdict.REGRESSED || k.verdict() == Verdict.IMPROVED)) {
        verdict = "**" + verdict + "**";
      }
      out.add(new String[] {
          k.key().shortName(), k.key().paramsText(), k.key().mode(), String.valueOf(k.key().threads()),
          r.normalization() != null && Direction.isTimeBased(k.unit()) ? k.unit() + " (norm.)" : k.unit(),
          side(k.baseline()), side(k.candidate()),
          Double.isNaN(k.change()) ? "" : KeyComparator.percent(k.change()),
          verdict, k.rule().label() + ": " + k.detail()});
    }
    return out;
  }

  private static final String FORK_TITLE =
      "Per-fork means (each fork one JVM; the Welch test compares these; unit as in the table above)";

  private static List<String[]> forkRows(ComparisonReport r) {
    List<String[]> out = new ArrayList<>();
    for (KeyComparison k : r.rows()) {
      out.add(new String[] {k.key().shortName(), k.key().paramsText(), String.valueOf(k.key().threads()),
          k.unit(), forks(k.baseline()), forks(k.candidate())});
    }
    return out;
  }

  private static String forks(KeyComparison.Side s) {
    if (s == null || s.forks() == 0) {
      return "—";
    }
    List<String> values = new ArrayList<>();
    for (double m : s.forkMeans()) {
      values.add(number(m));
    }
    return String.join(" ", values);
  }

  private static List<String[]> latencyRows(ComparisonReport r, boolean markdown) {
    List<String[]> out = new ArrayList<>();
    for (LatencyComparison l : r.latency()) {
      String verdict = l.verdict().label();
      if (markdown && l.verdict() == Verdict.REGRESSED) {
        verdict = "**" + verdict + "**";
      }
      out.add(new String[] {l.name(), l.percentile(), l.format(), number(l.baseline()), number(l.candidate()),
          Double.isNaN(l.change()) ? "" : KeyComparator.percent(l.change()), verdict,
          l.rule().label() + ": " + l.detail()});
    }
    return out;
  }

  private static String side(KeyComparison.Side s) {
    if (s == null) {
      return "—";
    }
    String v = number(s.score());
    if (Double.isFinite(s.error()) && s.score() != 0) {
      v += String.format(Locale.ROOT, " ±%.1f%%", 100 * s.error() / Math.abs(s.score()));
    }
    return v;
  }

  /** Four significant digits; scientific notation for very large or small magnitudes. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "-∞";
    }
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e7 || a < 1e-3)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static void appendAligned(StringBuilder sb, String[] header, List<String[]> rows) {
    int[] w = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      w[i] = header[i].length();
    }
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        w[i] = Math.max(w[i], row[i].length());
      }
    }
    appendLine(sb, header, w);
    String[] rule = new String[header.length];
    for (int i = 0; i < header.length; i++) {
      rule[i] = "-".repeat(w[i]);
    }
    appendLine(sb, rule, w);
    for (String[] row : rows) {
      appendLine(sb, row, w);
    }
  }

  private static void appendLine(StringBuilder sb, String[] cells, int[] w) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append("  ");
      }
      line.append(cells[i]).append(" ".repeat(w[i] - cells[i].length()));
    }
    sb.append(line.toString().stripTrailing()).append('\n');
  }

  private static void appendMarkdownTable(StringBuilder sb, String[] header, Set<String> numeric,
      List<String[]> rows) {
    sb.append('|');
    for (String h : header) {
      sb.append(' ').append(h).append(" |");
    }
    sb.append("\n|");
    for (int i = 0; i < header.length; i++) {
      sb.append(numeric.contains(header[i]) ? " ---: |" : " --- |");
    }
    sb.append('\n');
    for (String[] row : rows) {
      sb.append('|');
      for (String c : row) {
        sb.append(' ').append(escape(c)).append(" |");
      }
      sb.append('\n');
    }
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }
}
