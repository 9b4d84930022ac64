package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.load.html.HtmlReport;
import dev.grpcpool.bench.load.html.RunData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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
        "Write an HTML report (latency percentile chart, per-second timeline) of load run folders.",
        "With --merge, adds up the interval logs of runs that drove one target at the same time"
            + " (several generator processes or machines) into one."
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
    if (out != null && Files.exists(out)) {
      throw new CommandLine.ParameterException(cmd, "--out " + out + " already exists; refusing to overwrite it");
    }
    Path file = out != null ? out : HtmlReport.defaultFile(runs);
    List<RunData> shown = HtmlReport.write(runs, merge, file);
    PrintWriter w = cmd.getOut();
    for (RunData r : shown) {
      w.printf("%s: %d calls in the interval log, %d sent, %d ok, %d errors%n", r.name(),
          r.correctedTotal().getTotalCount(), r.sent(), r.ok(), r.errorCount());
    }
    w.println("Report: " + file.toAbsolutePath());
    w.flush();
    return GrpcPoolCli.EXIT_OK;
  }
}
