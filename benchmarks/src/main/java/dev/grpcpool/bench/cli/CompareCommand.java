package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.compare.CompareInputException;
import dev.grpcpool.bench.compare.CompareOptions;
import dev.grpcpool.bench.compare.Comparison;
import dev.grpcpool.bench.compare.ComparisonReport;
import dev.grpcpool.bench.compare.JsonReport;
import dev.grpcpool.bench.compare.ReportFormatter;
import dev.grpcpool.bench.compare.RerunList;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code grpcpool compare BASELINE CANDIDATE}: the regression gate. Wires options to
 * {@link Comparison#compare}; prints the table, optionally writes Markdown and JSON, exits 0 (no regression),
 * 1 (regression) or 2 (bad input).
 *
 * <p>Not thread-safe (one instance per command-line invocation).
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
        "Compare two JMH runs (JMH JSON files or run folders) key by key: benchmark, mode, threads, params.",
        "A change is called only when it exceeds --threshold and is statistically supported "
            + "(Welch's t-test on per-fork means, or non-overlapping 99.9%% intervals with few forks).",
        "Exit 0: nothing regressed; 1: something regressed; 2: bad input."})
public final class CompareCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BASELINE",
      description = "JMH JSON file or run folder (e.g. results/baseline).")
  Path baseline;

  @Parameters(index = "1", paramLabel = "CANDIDATE", description = "JMH JSON file or run folder to check.")
  Path candidate;

  @Option(names = "--threshold", paramLabel = "PERCENT", defaultValue = "10",
      description = "Smallest change that can be called, in percent (default: ${DEFAULT-VALUE}).")
  String threshold;

  @Option(names = "--alpha", defaultValue = "0.01",
      description = "Significance level of the Welch test (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--min-forks", defaultValue = "3",
      description = "Forks per side from which the Welch test is used (default: ${DEFAULT-VALUE}).")
  int minForks;

  @Option(names = "--normalize-by", paramLabel = "BENCHMARK",
      description = "Compare scores relative to this benchmark of the same run "
          + "(NAME[;param=value][;mode=M][;threads=N]); allows different machines.")
  String normalizeBy;

  @Option(names = "--allow-env-mismatch",
      description = "Compare raw scores even if CPU, cores or JDK differ.")
  boolean allowEnvMismatch;

  @Option(names = "--gate-latency",
      description = "Let latency percentile regressions (.hlog/.hgrm in run folders) fail the comparison.")
  boolean gateLatency;

  @Option(names = "--forks",
      description = "Also show each key's per-fork means on both sides (what the Welch test compares).")
  boolean forks;

  @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the report as Markdown (new file).")
  Path markdown;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the verdicts as JSON (new file).")
  Path json;

  @Option(names = "--regressed", paramLabel = "FILE",
      description = "Also write the regressed keys, one per line with the JMH options that re-run each (new file).")
  Path regressed;

  @Option(names = "--suspects", paramLabel = "FILE",
      description = "Also write the regressed keys and those worse by more than the threshold but inside the noise,"
          + " one per line with the JMH options that re-run each (new file).")
  Path suspects;

  @Override
  public Integer call() {
    CompareOptions options = CompareOptions.builder()
        .threshold(parsePercent(threshold) / 100.0)
        .alpha(alpha)
        .minForks(minForks)
        .normalizeBy(normalizeBy)
        .allowEnvMismatch(allowEnvMismatch)
        .gateLatency(gateLatency)
        .build();
    refuseExisting(markdown, "--markdown");
    refuseExisting(json, "--json");
    refuseExisting(regressed, "--regressed");
    refuseExisting(suspects, "--suspects");
    ComparisonReport report;
    try {
      report = Comparison.compare(baseline, candidate, options);
    } catch (CompareInputException e) {
      throw new GrpcPoolCli.UsageException(e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(ReportFormatter.table(report, forks));
    out.flush();
    write(markdown, ReportFormatter.markdown(report, forks));
    write(json, JsonReport.render(report));
    write(regressed, RerunList.render(report));
    write(suspects, RerunList.renderSuspects(report));
    return report.exitCode();
  }

  private static double parsePercent(String s) {
    String t = s.trim();
    if (t.endsWith("%")) {
      t = t.substring(0, t.length() - 1).trim();
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new GrpcPoolCli.UsageException("--threshold: '" + s + "' is not a percentage (e.g. 10 or 7.5%)");
    }
  }

  private static void refuseExisting(Path file, String option) {
    if (file != null && Files.exists(file)) {
      throw new GrpcPoolCli.UsageException(option + " " + file + ": file exists; not overwritten");
    }
  }

  private static void write(Path file, String text) {
    if (file == null) {
      return;
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, java.nio.file.StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new GrpcPoolCli.UsageException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
