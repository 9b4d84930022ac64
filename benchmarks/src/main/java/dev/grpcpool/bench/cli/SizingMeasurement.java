package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.load.FindMax;
import dev.grpcpool.bench.load.LoadSpec;
import dev.grpcpool.bench.load.LoadTarget;
import dev.grpcpool.bench.load.RunOutput;
import dev.grpcpool.bench.load.RunSettings;
import dev.grpcpool.bench.load.SizeSweep;
import dev.grpcpool.bench.results.RunFolder;
import dev.grpcpool.bench.work.SizingWorkload;
import dev.grpcpool.core.sizing.PoolSizing;
import dev.grpcpool.server.WorkProfile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The options of {@code grpcpool sizing --measure}: every {@code load} option plus {@code --sizes} and
 * {@code --p99-target}. {@link SizingCommand} hands its unmatched arguments here; this class wires them to
 * {@link SizeSweep}.
 */
@Command(name = "sizing --measure", description = "Measure throughput and p99 per pool size with the load generator.")
final class SizingMeasurement {

  @CommandLine.Mixin
  LoadCommand.LoadOptions load = new LoadCommand.LoadOptions();

  @Option(names = "--sizes", split = ",", paramLabel = "N,N,...",
      description = "Pool sizes to measure. Default: 1, 2, 4, ... up to the largest rule-of-thumb size.")
  List<Integer> sizes;

  @Option(names = "--p99-target", paramLabel = "MILLIS",
      description = "Pick the smallest size whose p99 (ms) is at most this, instead of by throughput.")
  Double p99TargetMillis;

  /**
   * Parses {@code args} (the load options) and runs the sweep.
   *
   * @param sizing the {@code sizing} command line, for messages and output
   * @param rate {@code sizing --rate}, the open-loop rate of every run; null for the load options' own
   * @param workload {@code sizing --workload}, for the rule of thumb shown beside the measurement; null for the
   *     kind of the simulated {@code --work}
   */
  static int run(CommandLine sizing, List<String> args, Double rate, WorkProfile.Kind workload) {
    SizingMeasurement m = new SizingMeasurement();
    CommandLine own = new CommandLine(m).setCaseInsensitiveEnumValuesAllowed(true);
    List<String> all = new ArrayList<>(args);
    if (rate != null) {
      all.add("--rate");
      all.add(Double.toString(rate));
    }
    try {
      own.parseArgs(all.toArray(new String[0]));
    } catch (CommandLine.ParameterException e) {
      throw new CommandLine.ParameterException(sizing, e.getMessage());
    }
    if (m.load.fault != null) {
      throw new CommandLine.ParameterException(sizing, "--fault is not used by sizing --measure");
    }
    if (m.load.selfSizing.given()) {
      throw new CommandLine.ParameterException(sizing, "--pool-min, --pool-max and their tuning are not used by"
          + " sizing --measure, which measures fixed --sizes");
    }
    if (m.p99TargetMillis != null && !(m.p99TargetMillis > 0)) {
      throw new CommandLine.ParameterException(sizing, "--p99-target must be > 0 ms, was " + m.p99TargetMillis);
    }
    List<Integer> sizes = m.sizes != null ? m.sizes
        : SizeSweep.defaultSizes(Runtime.getRuntime().availableProcessors());
    for (int s : sizes) {
      if (s < 1 || s > 1024) {
        throw new CommandLine.ParameterException(sizing, "--sizes must be in 1..1024, was " + s);
      }
    }
    FindMax.Slo slo = m.load.slo(null);
    if (slo != null && m.p99TargetMillis != null) {
      throw new CommandLine.ParameterException(sizing, "give --slo (search each size's highest rate at the objective)"
          + " or --p99-target (one load, smallest size within the target), not both");
    }
    if (slo != null && m.load.rate != null) {
      throw new CommandLine.ParameterException(sizing, "--slo searches the rates itself; drop --rate");
    }
    LoadSpec spec = m.load.loadSpec(sizing, slo != null, GeneratorOptions.Plan.ALONE);
    RunSettings settings = m.load.settings(spec, sizing);
    PoolSizing.Workload ruleOfThumb = SizingWorkload.of(workload != null ? workload : m.load.work);
    settings = new RunSettings(spec, settings.channels(), null, null, ruleOfThumb, settings.healthService(),
        settings.healthInterval(), settings.faults(), settings.out(), settings.quiet(), null);
    RunOutput.checkUsable(settings.out());
    PrintWriter out = sizing.getOut();
    PrintWriter err = sizing.getErr();
    try (LoadTarget target = m.load.target(sizing)) {
      Path dir = settings.out() != null ? RunOutput.prepare(settings.out(), "sizing").dir()
          : RunFolder.create("sizing").path();
      SizeSweep.Outcome o = SizeSweep.run(target, settings, sizes, m.p99TargetMillis, slo, dir, line -> {
        err.println(line);
        err.flush();
      });
      SizeSweep.print(o, out);
      out.println("Results: " + dir.toAbsolutePath());
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sizing --measure was interrupted", e);
    }
    return GrpcPoolCli.EXIT_OK;
  }
}
