package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.load.html.HtmlReport;
import dev.grpcpool.bench.load.html.RunData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grpcpool report}: one self-contained HTML page (inline SVG charts) from one or more {@code load} run
 * folders; with {@code --merge}, runs that drove one target at the same time are added up. Wires options to
 * {@link HtmlReport}.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
        "Write an HTML report of load run folders: counts, percentiles, per-second charts with faults marked,"
            + " the latency distribution, per-backend and per-channel tables and the configuration."
            + " Several runs are drawn side by side, each from its own start.",
        "With --merge, adds up the interval logs of runs that drove one target at the same time"
            + " (several generator processes or machines) into one; runs that never overlapped are refused."
    })
public final class ReportCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Run folders written by grpcpool load.")
  List<Path> runs;

  @Option(names = "--merge", description = "Add the runs up into one instead of showing them side by side.")
  boolean merge;

  @Option(names = "--out", paramLabel = "FILE",
      description = "The HTML file to write (must not exist). Default: report.html in the run folder, or in a"
          + " new folder under results/ for several runs.")
  Path out;

  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    for (Path dir : runs) {
      if (!Files.isDirectory(dir)) {
        throw new CommandLine.ParameterException(cmd, dir + " is not a directory");
      }
    }
    if (out != null) {
      try {
        HtmlReport.checkNewFile(out);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd, "--out: " + e.getMessage());
      }
    }
    // Everything is read and checked before a file or folder is created, so bad input leaves nothing behind.
    HtmlReport report = HtmlReport.of(runs, merge);
    Path file = out != null ? out : HtmlReport.defaultFile(runs);
    report.writeTo(file);
    PrintWriter err = cmd.getErr();
    for (String w : report.warnings()) {
      err.println("report: warning: " + w);
    }
    for (RunData r : report.runs()) {
      r.notes().forEach(n -> err.println("report: warning: " + n));
    }
    err.flush();
    PrintWriter w = cmd.getOut();
    for (RunData r : report.runs()) {
      r.about().forEach(w::println);
      w.printf(Locale.ROOT, "%s: %d calls in the interval log, %d sent, %d ok, %d errors, %.1f ok calls/s%n", r.name(),
          r.correctedTotal().getTotalCount(), r.sent(), r.ok(), r.errorCount(), r.achievedRate());
      if (r.correctedTotal().getTotalCount() > 0) {
        Histogram h = r.correctedTotal();
        w.printf(Locale.ROOT, "  corrected latency ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
            h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
      }
    }
    w.println("Report: " + file.toAbsolutePath());
    w.flush();
    return GrpcPoolCli.EXIT_OK;
  }
}
