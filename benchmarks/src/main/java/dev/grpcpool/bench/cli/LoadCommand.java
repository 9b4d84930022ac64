package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.load.Arrivals;
import dev.grpcpool.bench.load.FaultSchedule;
import dev.grpcpool.bench.load.FindMax;
import dev.grpcpool.bench.load.LoadRun;
import dev.grpcpool.bench.load.LoadSpec;
import dev.grpcpool.bench.load.LoadTarget;
import dev.grpcpool.bench.load.RunOutput;
import dev.grpcpool.bench.load.RunSettings;
import dev.grpcpool.bench.load.SelfSizing;
import dev.grpcpool.bench.load.Channels;
import dev.grpcpool.bench.load.call.CallSpec;
import dev.grpcpool.bench.work.SizingWorkload;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.server.L4Balancer;
import dev.grpcpool.server.WorkProfile;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grpcpool load}: drives echo calls, or calls of any method ({@code --call}), through a pool at a fixed rate (open loop) or with a fixed number of
 * callers (closed loop), optionally with faults on an embedded fleet, and writes a run folder. Wires options to
 * {@link LoadSpec}, {@link LoadTarget}, {@link RunSettings} and {@link LoadRun}.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Load-test a channel pool: open loop at --rate calls/s (latency from each call's intended start,"
            + " coordinated omission corrected) or closed loop with --concurrency callers.",
        "Targets an embedded echo fleet (Netty on 127.0.0.1 by default) or a server with --target; calls the echo"
            + " service, or any method with --call (its descriptor from server reflection or --protoset).",
        "Prints a progress line every second on stderr and a summary on stdout; writes summary.json,"
            + " latency.hlog (one histogram per second), latency.hgrm and timeline.csv to --out.",
        "The run is judged before it is summarized. Exit codes: 0 held; 1 failed calls above --max-errors;"
            + " 4 the target did not keep up (sends waited for a slot, calls unfinished or never sent);"
            + " 5 the generator could not keep its schedule (its figures describe itself); 6 nothing succeeded;"
            + " 2 bad input.",
        "--find-max searches the highest rate that holds --slo (and every check above) and exits 0 when one held."
    })
public final class LoadCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  // Mixins keep the option groups in one place for `sizing --measure`.
  @CommandLine.Mixin
  LoadOptions options = new LoadOptions();

  @CommandLine.Mixin
  GeneratorOptions generator = new GeneratorOptions();

  @Option(names = "--find-max",
      description = "Search the highest open-loop rate that holds --slo: a closed-loop probe, then steps up from"
          + " 80 %% of its rate by 25 %%, then bisection to 5 %%. --duration is each step's measured time.")
  boolean findMax;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Checked checked = check(Instant.now(), System.getenv());
    RunSettings settings = checked.settings();
    FindMax.Slo slo = checked.slo();
    RunOutput.checkUsable(settings.out());
    try (LoadTarget target = options.target(spec.commandLine())) {
      LoadRun run = new LoadRun(target, settings, out, err);
      Thread onCtrlC = new Thread(() -> {
        run.stop();
        try {
          run.awaitWritten(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "grpcpool-load-interrupt");
      Runtime.getRuntime().addShutdownHook(onCtrlC);
      try {
        return findMax ? run.executeFindMax(slo).exitCode() : run.execute().verdict().exitCode();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(onCtrlC);
        } catch (IllegalStateException shuttingDown) {
          // Ctrl-C arrived: the hook is running and waits for the output written above.
        }
      }
    }
  }

  /**
   * What the options ask for, checked before anything connects, is started or is written: the generator's plan, the
   * load, the settings and, with --find-max, the objective. A Kubernetes manifest's arguments are checked the same
   * way, for each index, without a cluster.
   *
   * @param now the time a start is judged against
   * @param env the environment ({@value GeneratorOptions#INDEX_ENV} gives the generator's index)
   * @throws CommandLine.ParameterException or IllegalArgumentException naming the problem in one line
   */
  public Checked check(Instant now, Map<String, String> env) {
    FindMax.Slo slo = null;
    if (findMax) {
      if (options.rate != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--find-max picks the rates itself; drop --rate");
      }
      slo = options.slo(FindMax.DEFAULT_SLO);
    } else if (options.slo != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--slo is the objective of --find-max; add --find-max");
    }
    GeneratorOptions.Plan plan = generator.plan(spec.commandLine(), now, env);
    if (plan.count() > 1 && (findMax || options.target == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), findMax
          ? "--find-max runs on one generator; drop --generators"
          : "--generators share one server: give it with --target (an embedded fleet is each generator's own)");
    }
    LoadSpec loadSpec = options.loadSpec(spec.commandLine(), findMax, plan);
    return new Checked(plan, options.settings(loadSpec, spec.commandLine()), slo);
  }

  /**
   * A load command's options, checked.
   *
   * @param plan this generator's place among those sharing the load
   * @param settings the load and everything else but the target
   * @param slo the objective of --find-max; null without
   */
  public record Checked(GeneratorOptions.Plan plan, RunSettings settings, FindMax.Slo slo) {}

  /** The options of a load run, shared by {@code load} and {@code sizing --measure}. */
  public static final class LoadOptions {
    @Option(names = "--rate", paramLabel = "CALLS_PER_S",
        description = "Open loop: calls started per second (> 0). Without it the run is closed loop.")
    Double rate;

    @Option(names = "--rate-steps", paramLabel = "RATE:DURATION,...",
        description = "Open loop whose rate changes: each step's calls/s for its time, in order, e.g."
            + " 500:20s,4000:20s,0:10s (0: no calls, to watch what follows the load). The steps' times are the"
            + " measured time (no --duration); needs a fixed --warmup, run at the first step's rate.")
    String rateSteps;

    @Option(names = "--arrivals", defaultValue = "uniform", paramLabel = "uniform|poisson",
        description = "Spacing of open-loop calls: uniform or poisson. Default: ${DEFAULT-VALUE}.")
    Arrivals arrivals;

    @Option(names = "--concurrency", paramLabel = "N",
        description = "Closed loop: callers, each starting its next call when the last ends."
            + " With --rate: the most calls in flight (default 1000; 0 for no cap); sends wait for a free slot,"
            + " and that wait counts in the corrected latency.")
    Integer concurrency;

    @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
        paramLabel = "DURATION", description = "Measured time, e.g. 30s or 2m. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "auto", paramLabel = "auto|DURATION",
        description = "Load before measuring starts, not recorded: auto (an open loop ramps its rate up over 5 s;"
            + " then until 3 s hold steady with the JIT quiet, at least 20 s, at most 90 s) or a fixed time such as 60s"
            + " (an open loop ramps over half of it, at most 5 s). Default: ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = "--max-errors", defaultValue = "1", paramLabel = "PERCENT",
        description = "Failed calls, as a share of those that ended, above which the run did not hold (exit 1)."
            + " Default: ${DEFAULT-VALUE} %%.")
    double maxErrorsPercent;

    @Option(names = "--slo", paramLabel = "pNN=DURATION",
        description = "Latency objective (corrected) of --find-max and sizing --measure, e.g. p99=50ms."
            + " Default for --find-max: p99=100ms.")
    String slo;

    @Option(names = "--payload", defaultValue = "64", paramLabel = "BYTES",
        description = "Request payload in bytes. Default: ${DEFAULT-VALUE}.")
    int payload;

    @Option(names = "--response-size", defaultValue = "0", paramLabel = "BYTES",
        description = "Response payload in bytes; 0 echoes the request. Default: ${DEFAULT-VALUE}.")
    int responseSize;

    @Option(names = "--deadline", defaultValue = "10s", converter = DurationConverter.class,
        paramLabel = "DURATION",
        description = "Deadline of each call; 0s for none (saves a timer per call). Default: ${DEFAULT-VALUE}.")
    Duration deadline;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of Poisson arrivals. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--work", defaultValue = "none", paramLabel = "none|cpu|io|mixed",
        description = "Simulated server work per call: cpu (" + WorkProfile.PRESET_CPU_MICROS + " us spun), io ("
            + WorkProfile.PRESET_IO_MICROS + " us waited), mixed (" + WorkProfile.PRESET_MIXED_CPU_MICROS + " us + "
            + WorkProfile.PRESET_MIXED_IO_MICROS + " us) or none; also the workload of --pool-size auto."
            + " Default: ${DEFAULT-VALUE}.")
    WorkProfile.Kind work;

    @Option(names = "--cpu-micros", paramLabel = "MICROS", description = "CPU the server spins per call.")
    Long cpuMicros;

    @Option(names = "--io-micros", paramLabel = "MICROS",
        description = "Time the server waits per call, holding no thread.")
    Long ioMicros;

    @Option(names = "--call", paramLabel = "PKG.SERVICE/METHOD",
        description = "Call this method instead of the echo service: unary, server, client or bidi streaming, as its"
            + " descriptor says, from the server's reflection (grpc.reflection.v1, else v1alpha) or --protoset.")
    String call;

    @Option(names = "--data", paramLabel = "JSON",
        description = "With --call: the request as JSON (protobuf's JSON mapping); for client or bidi streaming an"
            + " array of each call's messages, or one object with --stream-messages. Placeholders: {{seq}},"
            + " {{uuid}}, {{random A B}}, {{timestamp}}. Default: {} (the default message).")
    String data;

    @Option(names = "--data-file", paramLabel = "FILE", description = "With --call: read --data from this file.")
    Path dataFile;

    @Option(names = "--protoset", paramLabel = "FILE",
        description = "With --call: the method's descriptor from this file (protoc --descriptor_set_out=FILE"
            + " --include_imports) instead of the server's reflection.")
    Path protoset;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE",
        description = "With --call: a header sent with every call; repeatable; keys ending in -bin take base64.")
    List<String> metadata = new ArrayList<>();

    @Option(names = "--compress", paramLabel = "gzip|identity",
        description = "With --call: compress the requests with gzip. Default: identity (none).")
    String compress;

    @Option(names = "--stream-messages", paramLabel = "N",
        description = "With --call of a client or bidi streaming method and one --data object: messages each call"
            + " sends before it half-closes.")
    Integer streamMessages;

    @Option(names = "--transport", defaultValue = "netty", paramLabel = "netty|inprocess",
        description = "Transport of the embedded fleet. Default: ${DEFAULT-VALUE}.")
    String transport;

    @Option(names = "--backends", defaultValue = "3", paramLabel = "N",
        description = "Backends of the embedded fleet. Default: ${DEFAULT-VALUE}.")
    int backends;

    @Option(names = "--max-calls-per-connection", defaultValue = "0", paramLabel = "M",
        description = "The embedded servers' cap on concurrent calls per connection; 0 for none.")
    int maxCallsPerConnection;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "K",
        description = "Each embedded backend does at most K calls' work at once, across its connections; the rest "
            + "wait (a worker pool of K). 0 for none. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--l4", paramLabel = "MODE", converter = ServeCommand.L4ModeConverter.class,
        description = "Put an L4 balancer in front of the embedded Netty fleet and dial it: each connection is "
            + "pinned to one backend, chosen random, round-robin or least-connections.")
    L4Balancer.Mode l4;

    @Option(names = "--l4-delay", converter = DurationConverter.class, paramLabel = "DURATION",
        description = "With --l4: delay added to each direction of every connection (e.g. 2ms). Default: none.")
    Duration l4Delay;

    @Option(names = "--target", paramLabel = "TARGET",
        description = "An external server instead of the embedded fleet: host:port, static:///h:p,h:p,"
            + " dns:///name:port. It must serve the echo service, or the method of --call.")
    String target;

    @Option(names = "--tls", description = "Use TLS to --target (system trust store unless --tls-ca).")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "PEM_FILE", description = "Trust these CA certificates (implies --tls).")
    File tlsCa;

    @Option(names = {"--authority", "--tls-authority"}, paramLabel = "NAME",
        description = "The :authority of every call, and the TLS server name, instead of the target's.")
    String tlsAuthority;

    @Option(names = "--pool-size", defaultValue = "auto", paramLabel = "N|auto",
        description = "Channels in the pool, or auto for the rule of thumb for --work on this machine; for a pool"
            + " that sizes itself, --pool-min and --pool-max instead. Default: ${DEFAULT-VALUE}.")
    String poolSize;

    @CommandLine.Mixin
    SelfSizingOptions selfSizing = new SelfSizingOptions();

    @Option(names = "--strategy", defaultValue = "ROUND_ROBIN",
        paramLabel = "STRATEGY",
        description = "The pool's pick strategy: ROUND_ROBIN, HEALTHY_FIRST, LEAST_IN_FLIGHT or POWER_OF_TWO_CHOICES"
            + " (for one channel and no pool, --single-channel). Default: ${DEFAULT-VALUE}.")
    PickStrategy strategy;

    @Option(names = "--single-channel",
        description = "One plain channel and no pool, the baseline a pool must beat (no --strategy, no --pool-size).")
    boolean singleChannel;

    @Option(names = "--health-service", paramLabel = "NAME",
        description = "grpc.health.v1 service the pool checks; \"\" for the whole server. Default: none"
            + " (connectivity state only).")
    String healthService;

    @Option(names = "--health-interval", defaultValue = "1s", converter = DurationConverter.class,
        paramLabel = "DURATION", description = "Interval of the pool's health pass. Default: ${DEFAULT-VALUE}.")
    Duration healthInterval;

    @Option(names = "--fault", paramLabel = "SPEC",
        description = "Faults on the embedded fleet, from the start of the measurement, e.g."
            + " kill:1@5s,restart:1@10s,not-serving:2@4s,serving:2@8s,slow:0=5ms@3s (backend * = all).")
    String fault;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Output folder (must be new or empty). Default: a new folder under results/.")
    Path out;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "Serve the pool's metrics for Prometheus on 127.0.0.1:PORT/metrics while the run lasts.")
    Integer metricsPort;


    /**
     * The load to send; with {@code rateChosenLater} (a search picks the rates) an open loop whose rate is a
     * placeholder. Bad values are usage errors.
     */
    public LoadSpec loadSpec(CommandLine cmd, boolean rateChosenLater, GeneratorOptions.Plan plan) {
      LoadSpec.Builder b;
      if (rateSteps != null) {
        b = rateStepsLoad(cmd, rateChosenLater, plan);
      } else if (rateChosenLater || rate != null) {
        b = LoadSpec.openLoop(rate != null ? rate / plan.count() : 1);
        if (concurrency != null) {
          b.concurrency(plan.share(concurrency));
        }
      } else if (concurrency != null) {
        if (plan.count() > 1 && concurrency < plan.count()) {
          throw new CommandLine.ParameterException(cmd, "--concurrency " + concurrency + " cannot be shared by "
              + plan.count() + " generators: each needs at least one caller");
        }
        b = LoadSpec.closedLoop(plan.share(concurrency));
      } else {
        throw new CommandLine.ParameterException(cmd,
            "give --rate (open loop, calls/s) or --concurrency (closed loop, callers)");
      }
      b.generator(plan.index(), plan.count()).startAt(plan.startAt());
      if (plan.startAt() != null && !specified(cmd, "--warmup")) {
        b.warmup(GeneratorOptions.DEFAULT_WARMUP);
      } else if (warmup.trim().equalsIgnoreCase("auto")) {
        b.warmupUntilSteady();
      } else {
        try {
          b.warmup(DurationConverter.parse(warmup));
        } catch (CommandLine.TypeConversionException e) {
          throw new IllegalArgumentException("--warmup: " + e.getMessage() + " (or auto)");
        }
      }
      if (!(maxErrorsPercent >= 0 && maxErrorsPercent <= 100)) {
        throw new IllegalArgumentException("--max-errors must be a percentage in 0..100, was " + maxErrorsPercent);
      }
      b.call(callSpec(cmd));
      return b.arrivals(arrivals).duration(duration).deadline(deadline).payloadBytes(payload)
          .responseSize(responseSize)
          .cpuMicros(cpuMicros != null ? cpuMicros : WorkProfile.preset(work).cpuMicros())
          .ioMicros(ioMicros != null ? ioMicros : WorkProfile.preset(work).ioMicros()).seed(seed)
          .maxErrorShare(maxErrorsPercent / 100).build();
    }

    /** An open loop in the steps of --rate-steps, checked against the options it cannot go with. */
    private LoadSpec.Builder rateStepsLoad(CommandLine cmd, boolean rateChosenLater, GeneratorOptions.Plan plan) {
      if (rate != null || rateChosenLater) {
        throw new CommandLine.ParameterException(cmd, rate != null ? "give --rate or --rate-steps, not both"
            : "--find-max picks the rates itself; drop --rate-steps");
      }
      if (specified(cmd, "--duration")) {
        throw new CommandLine.ParameterException(cmd, "--rate-steps sets the measured time (its steps' times add up"
            + " to it); drop --duration");
      }
      if (!specified(cmd, "--warmup") || warmup.trim().equalsIgnoreCase("auto")) {
        throw new CommandLine.ParameterException(cmd, "--rate-steps starts its steps with the measurement, so it"
            + " needs a fixed --warmup (e.g. --warmup 0s or 30s)");
      }
      if (plan.count() > 1) {
        throw new CommandLine.ParameterException(cmd, "--rate-steps runs on one generator; drop --generators");
      }
      LoadSpec.Builder b;
      try {
        b = LoadSpec.openLoop(LoadSpec.RateStep.parse(rateSteps, DurationConverter::parse));
      } catch (IllegalArgumentException | CommandLine.TypeConversionException e) {
        throw new CommandLine.ParameterException(cmd, "--rate-steps: " + e.getMessage());
      }
      if (concurrency != null) {
        b.concurrency(concurrency);
      }
      return b;
    }

    /**
     * The method of --call and what goes with it, checked as far as it can be without the server (with --protoset:
     * entirely); null for the echo call.
     */
    private CallSpec callSpec(CommandLine cmd) {
      if (call == null) {
        if (specified(cmd, "--data", "--data-file", "--protoset", "--metadata", "--compress", "--stream-messages")) {
          throw new CommandLine.ParameterException(cmd, "--data, --data-file, --protoset, --metadata, --compress and"
              + " --stream-messages go with --call (the echo call is set by --payload, --response-size and --work)");
        }
        return null;
      }
      if (specified(cmd, "--payload", "--response-size", "--cpu-micros", "--io-micros")) {
        throw new CommandLine.ParameterException(cmd, "--payload, --response-size, --cpu-micros and --io-micros"
            + " shape the echo call; with --call the request is --data");
      }
      if (data != null && dataFile != null) {
        throw new CommandLine.ParameterException(cmd, "give --data or --data-file, not both");
      }
      String json = data;
      if (dataFile != null) {
        try {
          json = Files.readString(dataFile);
        } catch (NoSuchFileException e) {
          throw new IllegalArgumentException("cannot read --data-file " + dataFile + ": no such file");
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read --data-file " + dataFile + ": " + e.getMessage());
        }
      }
      if (streamMessages != null && streamMessages < 1) {
        throw new CommandLine.ParameterException(cmd, "--stream-messages must be >= 1, was " + streamMessages);
      }
      return new CallSpec(call, json, protoset, metadata, compress, streamMessages == null ? 0 : streamMessages);
    }

    /** The objective given with --slo, or {@code fallback} (may be null) when none was. */
    public FindMax.Slo slo(String fallback) {
      String text = slo != null ? slo : fallback;
      if (text == null) {
        return null;
      }
      return FindMax.Slo.parse(text, DurationConverter::parse);
    }

    /** Everything but the load and the target. */
    public RunSettings settings(LoadSpec loadSpec, CommandLine cmd) {
      FaultSchedule faults = FaultSchedule.parse(fault, DurationConverter::parse);
      if (!faults.isEmpty() && target != null) {
        throw new CommandLine.ParameterException(cmd,
            "--fault acts on the embedded fleet; it cannot be used with --target");
      }
      if (!faults.isEmpty()) {
        faults.check(backends, loadSpec.duration());
      }
      if (singleChannel && specified(cmd, "--strategy")) {
        throw new CommandLine.ParameterException(cmd, "--single-channel has no pool to pick from; drop --strategy");
      }
      Channels channels = singleChannel ? Channels.single() : Channels.pool(strategy);
      SelfSizing sizing = selfSizing.sizing(cmd, singleChannel);
      return new RunSettings(loadSpec, channels, sizing != null ? null : poolSize(cmd), sizing,
          SizingWorkload.of(work), healthService, healthInterval, faults, out, quiet, metricsPort);
    }

    /** The embedded fleet or the external target; starts the fleet. */
    public LoadTarget target(CommandLine cmd) {
      if (target != null) {
        if (specified(cmd, "--backends", "--transport", "--max-calls-per-connection", "--workers", "--l4",
            "--l4-delay")) {
          throw new CommandLine.ParameterException(cmd, "--backends, --transport, --max-calls-per-connection, "
              + "--workers, --l4 and --l4-delay are for the embedded fleet, not --target");
        }
        return LoadTarget.external(target, tls, tlsCa, tlsAuthority);
      }
      if (tls || tlsCa != null || tlsAuthority != null) {
        throw new CommandLine.ParameterException(cmd, "--tls options need --target");
      }
      LoadTarget.Transport t;
      switch (transport.toLowerCase(Locale.ROOT)) {
        case "netty":
          t = LoadTarget.Transport.NETTY;
          break;
        case "inprocess":
        case "in-process":
          t = LoadTarget.Transport.INPROCESS;
          break;
        default:
          throw new CommandLine.ParameterException(cmd,
              "unknown --transport '" + transport + "'; use netty or inprocess");
      }
      if (l4Delay != null && l4 == null) {
        throw new CommandLine.ParameterException(cmd, "--l4-delay needs --l4 (random, round-robin or "
            + "least-connections)");
      }
      return LoadTarget.embedded(t, backends,
          new LoadTarget.FleetOptions(maxCallsPerConnection, workers, l4, l4Delay));
    }

    private Integer poolSize(CommandLine cmd) {
      if (poolSize.equalsIgnoreCase("auto")) {
        return null;
      }
      try {
        return Integer.parseInt(poolSize.trim());
      } catch (NumberFormatException e) {
        throw new CommandLine.ParameterException(cmd, "--pool-size must be a number or auto, was '" + poolSize + "'");
      }
    }

    static boolean specified(CommandLine cmd, String... names) {
      CommandLine.ParseResult parsed = cmd.getParseResult();
      for (String n : names) {
        if (parsed != null && parsed.hasMatchedOption(n)) {
          return true;
        }
      }
      return false;
    }
  }
}
