package dev.grpcpool.bench.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The {@value #FILE_NAME} of a JMH run: one short table per benchmark method, narrow enough for an 80-column
 * terminal, which the run also prints when it ends. A parameter that has one value in every row of a table is
 * stated once above it instead of filling a column; the score carries JMH's 99.9 % error as a percentage; the
 * call latency (p50 / p99, microseconds) appears where the latency profiler recorded it. JMH's own wide table is
 * kept beside it, in full.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResultsSummary {

  /** File name of the summary in a JMH run folder. */
  public static final String FILE_NAME = "summary.md";

  private ResultsSummary() {}

  /**
   * One benchmark result, as the summary shows it.
   *
   * @param benchmark the benchmark method's full name, e.g. {@code dev.grpcpool.bench.PoolSizeBenchmark.unary}
   * @param mode JMH's short mode name ({@code thrpt}, {@code avgt}, …)
   * @param params the parameters in declaration order
   * @param threads JMH threads
   * @param error JMH's 99.9 % error of {@code score}; NaN when there were too few samples
   * @param p50Micros median call latency in microseconds; NaN when not recorded
   * @param p99Micros 99th percentile call latency in microseconds; NaN when not recorded
   */
  public record Row(String benchmark, String mode, Map<String, String> params, int threads, double score,
      double error, String unit, double p50Micros, double p99Micros) {

    public Row {
      Objects.requireNonNull(benchmark, "benchmark");
      params = new LinkedHashMap<>(params);
    }

    /** The row of one JMH result; latency from {@code dev.grpcpool.bench.LatencyProfiler}'s metrics. */
    public static Row of(RunResult r) {
      Map<String, String> params = new LinkedHashMap<>();
      for (String key : r.getParams().getParamsKeys()) {
        params.put(key, r.getParams().getParam(key));
      }
      Result<?> primary = r.getPrimaryResult();
      return new Row(r.getParams().getBenchmark(), r.getParams().getMode().shortLabel(), params,
          r.getParams().getThreads(), primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
          score(r, "latency.p50"), score(r, "latency.p99"));
    }

    private static double score(RunResult r, String label) {
      Result<?> s = r.getSecondaryResults().get(label);
      return s == null ? Double.NaN : s.getScore();
    }
  }

  /** The summary of {@code rows} as markdown, tables in the order the rows came. */
  public static String markdown(List<Row> rows) {
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : rows) {
      groups.computeIfAbsent(r.benchmark() + " " + r.mode(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder out = new StringBuilder();
    for (List<Row> group : groups.values()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      table(group, out);
    }
    return out.toString();
  }

  /** {@link #markdown(List)} of JMH's results. */
  public static String markdown(Collection<RunResult> results) {
    return markdown(results.stream().map(Row::of).toList());
  }

  private static void table(List<Row> rows, StringBuilder out) {
    Row first = rows.get(0);
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Row r : rows) {
      r.params().forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      values.computeIfAbsent("threads", x -> new ArrayList<>()).add(Integer.toString(r.threads()));
    }
    List<String> varying = new ArrayList<>();
    List<String> fixed = new ArrayList<>();
    values.forEach((k, v) -> {
      Set<String> distinct = new LinkedHashSet<>(v);
      if (distinct.size() > 1 || v.size() < rows.size()) {
        varying.add(k);
      } else if (!(k.equals("threads") && distinct.contains("1"))) {
        fixed.add(k + " " + distinct.iterator().next());
      }
    });
    boolean latency = rows.stream().anyMatch(r -> !Double.isNaN(r.p50Micros()) || !Double.isNaN(r.p99Micros()));

    out.append("### ").append(shortName(first.benchmark())).append(" (").append(modeName(first.mode()))
        .append(")\n");
    out.append('\n');
    if (!fixed.isEmpty()) {
      out.append(String.join(", ", fixed)).append('\n');
    }
    out.append("± is JMH's 99.9 % error").append(latency ? "; p50 / p99: call latency" : "").append('\n');
    out.append('\n');
    List<String> header = new ArrayList<>(varying);
    header.add(first.unit());
    if (latency) {
      header.add("p50 µs");
      header.add("p99 µs");
    }
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      List<String> line = new ArrayList<>();
      for (String k : varying) {
        line.add(k.equals("threads") ? Integer.toString(r.threads()) : r.params().getOrDefault(k, "–"));
      }
      line.add(number(r.score()) + (Double.isNaN(r.error()) || r.score() == 0 ? ""
          : String.format(Locale.ROOT, " ± %.0f %%", Math.abs(100 * r.error() / r.score()))));
      if (latency) {
        line.add(number(r.p50Micros()));
        line.add(number(r.p99Micros()));
      }
      cells.add(line);
    }
    int columns = header.size();
    int[] width = new int[columns];
    for (int c = 0; c < columns; c++) {
      width[c] = header.get(c).length();
      for (List<String> line : cells) {
        width[c] = Math.max(width[c], line.get(c).length());
      }
    }
    // The parameters are text (left), the figures numbers (right).
    int numbersFrom = varying.size();
    appendLine(out, header, width, numbersFrom);
    StringBuilder rule = new StringBuilder("|");
    for (int c = 0; c < columns; c++) {
      rule.append(c < numbersFrom ? "-".repeat(width[c] + 2) : "-".repeat(width[c] + 1) + ":").append('|');
    }
    out.append(rule).append('\n');
    for (List<String> line : cells) {
      appendLine(out, line, width, numbersFrom);
    }
  }

  private static void appendLine(StringBuilder out, List<String> cells, int[] width, int numbersFrom) {
    out.append('|');
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(width[c] - cell.length());
      out.append(' ').append(c < numbersFrom ? cell + pad : pad + cell).append(" |");
    }
    out.append('\n');
  }

  /** {@code PoolSizeBenchmark.unary} from the full name. */
  static String shortName(String benchmark) {
    int method = benchmark.lastIndexOf('.');
    int cls = method <= 0 ? -1 : benchmark.lastIndexOf('.', method - 1);
    return benchmark.substring(cls + 1);
  }

  private static String modeName(String mode) {
    switch (mode) {
      case "thrpt":
        return "throughput";
      case "avgt":
        return "average time";
      case "sample":
        return "sampled time";
      case "ss":
        return "single shot";
      default:
        return mode;
    }
  }

  /** Three significant digits at most, thousands separated: 12,345 / 512 / 15.0 / 1.27; "–" for NaN. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
