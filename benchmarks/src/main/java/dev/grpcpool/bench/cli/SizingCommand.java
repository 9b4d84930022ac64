package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.work.SizingWorkload;
import dev.grpcpool.core.sizing.PoolSizing;
import dev.grpcpool.server.WorkProfile;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grpcpool sizing}: how many channels a pool should have, by the rule of thumb of {@link PoolSizing}
 * and, given a rate and a latency, by Little's law. Wires options to {@link PoolSizing} and
 * {@link SizingReport}.
 */
@Command(
    name = "sizing",
    mixinStandardHelpOptions = true,
    description = {
        "Recommend a channel pool size.",
        "Rule of thumb: CPU-bound = cores, I/O-bound = cores x 3, mixed = floor(cores x 1.5);"
            + " high concurrency x 1.3; never below 2 nor above cores x 10.",
        "Little's law (with --rate and --latency): channels = ceil(rate x latency / streams per channel).",
        "Behind a layer-4 balancer (with --l4-backends B): the fewest channels that reach 90%% of B backends"
            + " on average when each connection lands on a random one."
    })
public final class SizingCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--workload", paramLabel = "cpu|io|mixed",
      description = "Kind of work the calls mostly do: cpu, io or mixed (none, a bare echo, counts as mixed)."
          + " Default: with --measure the --work it simulates, else mixed.")
  WorkProfile.Kind workload;

  @Option(names = "--high-concurrency", description = "Apply the high-concurrency factor (x 1.3, rounded down).")
  boolean highConcurrency;

  @Option(names = "--cores", paramLabel = "N",
      description = "Cores to size for (at least 1). Default: this machine's available processors.")
  Integer cores;

  @Option(names = "--rate", paramLabel = "CALLS_PER_S",
      description = "Calls started per second; with --latency adds the Little's-law recommendation.")
  Double rate;

  @Option(names = "--latency", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Latency of one call, e.g. 20ms; needed with --rate.")
  Duration latency;

  @Option(names = "--streams-per-channel", paramLabel = "N",
      defaultValue = "" + PoolSizing.DEFAULT_STREAMS_PER_CHANNEL,
      description = "Concurrent calls each channel should carry (10-50 is the usual target). Default: ${DEFAULT-VALUE}.")
  int streamsPerChannel;

  @Option(names = "--max-streams", paramLabel = "N",
      defaultValue = "" + PoolSizing.DEFAULT_MAX_STREAMS_PER_CONNECTION,
      description = "The server's cap on concurrent streams per connection. Default: ${DEFAULT-VALUE}.")
  int maxStreams;

  @Option(names = "--l4-backends", paramLabel = "N",
      description = "Backends behind a layer-4 balancer (a Kubernetes service, a network load balancer) that"
          + " picks one at random per connection; adds the channels that reach 90%% of them on average.")
  Integer l4Backends;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--measure", description = "Measure instead: sweep pool sizes with the load generator and pick"
      + " the smallest within 5%% of the best throughput (or meeting --p99-target). Takes every option of"
      + " 'grpcpool load' plus --sizes N,N,... and --p99-target MILLIS.")
  boolean measure;

  /** The load options of --measure, parsed by {@link SizingMeasurement}. */
  @CommandLine.Unmatched
  List<String> measureOptions = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    if (measure) {
      return SizingMeasurement.run(cmd, measureOptions, rate, workload);
    }
    if (!measureOptions.isEmpty()) {
      throw new CommandLine.ParameterException(cmd, "unknown option " + measureOptions.get(0)
          + " (load options need --measure)");
    }
    boolean coresFromMachine = cores == null;
    int n = coresFromMachine ? Runtime.getRuntime().availableProcessors() : cores;
    if (n < 1) {
      throw new CommandLine.ParameterException(cmd, "--cores must be at least 1, was " + n);
    }
    if ((rate == null) != (latency == null)) {
      throw new CommandLine.ParameterException(cmd, "--rate and --latency go together; give both or neither");
    }
    if (rate == null && (specified("--streams-per-channel") || specified("--max-streams"))) {
      throw new CommandLine.ParameterException(
          cmd, "--streams-per-channel and --max-streams need --rate and --latency");
    }
    PoolSizing.LittlesLaw littlesLaw = null;
    if (rate != null) {
      if (!(rate > 0) || rate.isInfinite()) {
        throw new CommandLine.ParameterException(cmd, "--rate must be a number greater than 0, was " + rate);
      }
      if (latency.isZero()) {
        throw new CommandLine.ParameterException(cmd, "--latency must be greater than 0");
      }
      if (streamsPerChannel < 1 || streamsPerChannel > maxStreams) {
        throw new CommandLine.ParameterException(cmd, "--streams-per-channel must be between 1 and --max-streams ("
            + maxStreams + "), was " + streamsPerChannel);
      }
      littlesLaw = PoolSizing.littlesLaw(rate, latency, streamsPerChannel, maxStreams);
    }
    PoolSizing.L4Spread l4 = null;
    if (l4Backends != null) {
      if (l4Backends < 1 || l4Backends > PoolSizing.MAX_L4 / 3) {
        throw new CommandLine.ParameterException(cmd, "--l4-backends must be between 1 and "
            + PoolSizing.MAX_L4 / 3 + ", was " + l4Backends);
      }
      l4 = PoolSizing.behindL4(l4Backends);
    }
    SizingReport report = new SizingReport(
        PoolSizing.heuristic(SizingWorkload.of(workload != null ? workload : WorkProfile.Kind.MIXED), highConcurrency, n), littlesLaw, coresFromMachine, l4);
    cmd.getOut().print(json ? report.toJson() : report.toText());
    cmd.getOut().flush();
    return GrpcPoolCli.EXIT_OK;
  }

  private boolean specified(String option) {
    List<CommandLine.Model.OptionSpec> matched = spec.commandLine().getParseResult().matchedOptions();
    return matched.stream().anyMatch(o -> o.longestName().equals(option));
  }
}
