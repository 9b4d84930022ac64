package dev.grpcpool.bench.cli;

import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.BoundedLogHandler;
import dev.grpcpool.server.L4Balancer;
import dev.grpcpool.server.ServerExecutor;
import dev.grpcpool.server.WorkProfile;
import java.io.File;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grpcpool serve}: runs a fleet of echo backends standalone until SIGINT or SIGTERM, so benchmarks on
 * this or another host can be pointed at it. Wires options to {@link BenchFleet}; a shutdown hook closes the
 * fleet and the process exits with 0.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Serve echo backends until interrupted (Ctrl-C or SIGTERM).",
        "Binds 127.0.0.1 unless --host says otherwise; prints each backend's address and the static:/// target."
    })
public final class ServeCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", defaultValue = "50051",
      description = "Port of the first backend; backend i gets port + i (0: free ports). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to bind. Default: ${DEFAULT-VALUE} (loopback only); 0.0.0.0 accepts other hosts.")
  String host;

  @Option(names = "--backends", defaultValue = "1", description = "Number of backends. Default: ${DEFAULT-VALUE}.")
  int backends;

  @Option(names = "--backend-id", paramLabel = "PREFIX",
      description = "Backends are named PREFIX-0, PREFIX-1, ... in responses and reports (default: backend). Give"
          + " each server process its own, e.g. its pod's name, so that runs against several tell them apart.")
  String backendId;

  @Option(names = "--work", defaultValue = "none",
      description = "Work for requests that name none: none, cpu (" + WorkProfile.PRESET_CPU_MICROS + " us spun), io ("
          + WorkProfile.PRESET_IO_MICROS + " us waited) or mixed (" + WorkProfile.PRESET_MIXED_CPU_MICROS + " us + "
          + WorkProfile.PRESET_MIXED_IO_MICROS + " us), as for load --work. Default: ${DEFAULT-VALUE}.")
  WorkProfile.Kind work;

  @Option(names = "--cpu-micros", paramLabel = "MICROS",
      description = "CPU spun per call (cpu, mixed work) instead of the preset's.")
  Long cpuMicros;

  @Option(names = "--io-micros", paramLabel = "MICROS",
      description = "Wait per call, holding no thread (io, mixed work), instead of the preset's.")
  Long ioMicros;

  @Option(names = "--max-calls-per-connection",
      description = "Most concurrent calls one connection may carry. Default: unlimited.")
  Integer maxCallsPerConnection;

  @Option(names = "--max-connection-age", converter = DurationConverter.class,
      description = "Send GOAWAY to connections older than this (e.g. 30s). Default: never.")
  Duration maxConnectionAge;

  @Option(names = "--max-connection-age-grace", converter = DurationConverter.class,
      description = "Time calls may run on after the max-age GOAWAY. Default: unlimited.")
  Duration maxConnectionAgeGrace;

  @Option(names = "--permit-keepalive-time", converter = DurationConverter.class,
      description = "Shortest client keepalive interval allowed. Default: 5m.")
  Duration permitKeepAliveTime;

  @Option(names = "--permit-keepalive-without-calls",
      description = "Allow keepalive pings from clients with no open call.")
  boolean permitKeepAliveWithoutCalls;

  @Option(names = "--workers", paramLabel = "K",
      description = "Each backend does at most K requests' work at once, across all its connections; the rest wait "
          + "their turn (a worker pool of K). Default: no limit.")
  Integer workers;

  @Option(names = "--l4", paramLabel = "MODE", converter = L4ModeConverter.class,
      description = "Also listen on one more address (127.0.0.1) that pins each TCP connection to one backend, as "
          + "an L4 load balancer does: random (kube-proxy), round-robin (IPVS rr) or least-connections.")
  L4Balancer.Mode l4;

  @Option(names = "--l4-delay", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "With --l4: delay added to each direction of every connection (e.g. 2ms), at most 1s. "
          + "Default: none.")
  Duration l4Delay;

  @Option(names = "--executor", defaultValue = "work-stealing", converter = ExecutorConverter.class,
      description = "Call threads: work-stealing (tuned), grpc-default (grpc-java's default) or direct. "
          + "Default: ${DEFAULT-VALUE}.")
  ServerExecutor executor;

  @Option(names = "--tls-cert", description = "PEM certificate chain; serve TLS (needs --tls-key).")
  File tlsCert;

  @Option(names = "--tls-key", description = "PEM (PKCS#8) private key for --tls-cert.")
  File tlsKey;

  /** The default work: the preset of {@code --work}, with the amounts given on the command line instead. */
  WorkProfile profile() {
    WorkProfile preset = WorkProfile.preset(work);
    return WorkProfile.of(work, cpuMicros != null ? cpuMicros : preset.cpuMicros(),
        ioMicros != null ? ioMicros : preset.ioMicros());
  }

  @Override
  public Integer call() throws InterruptedException {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new GrpcPoolCli.UsageException("--tls-cert and --tls-key must be given together");
    }
    if (l4Delay != null && l4 == null) {
      throw new GrpcPoolCli.UsageException("--l4-delay needs --l4 (random, round-robin or least-connections)");
    }
    WorkProfile profile = profile();
    BenchServer.Builder template = BenchServer.netty(port)
        .host(host)
        .work(profile)
        .executor(executor)
        .permitKeepAliveWithoutCalls(permitKeepAliveWithoutCalls);
    if (maxCallsPerConnection != null) {
      template.maxConcurrentCallsPerConnection(maxCallsPerConnection);
    }
    if (workers != null) {
      template.workers(workers);
    }
    if (maxConnectionAge != null) {
      template.maxConnectionAge(maxConnectionAge);
    }
    if (maxConnectionAgeGrace != null) {
      template.maxConnectionAgeGrace(maxConnectionAgeGrace);
    }
    if (permitKeepAliveTime != null) {
      template.permitKeepAliveTime(permitKeepAliveTime);
    }
    if (tlsCert != null) {
      template.tls(tlsCert, tlsKey);
    }
    if (backendId != null) {
      if (backendId.isBlank()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--backend-id must not be empty");
      }
      template.backendId(backendId);
    }
    BenchFleet fleet;
    try {
      fleet = BenchFleet.start(backends, template);
    } catch (UncheckedIOException e) {
      throw new GrpcPoolCli.UsageException(e.getMessage(), e);
    }
    L4Balancer balancer;
    try {
      balancer = l4 == null ? null : fleet.startL4(l4, l4Delay == null ? Duration.ZERO : l4Delay);
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }

    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "serving %d backend(s) on %s%s, work %s, executor %s%s%n", fleet.size(), host,
        "127.0.0.1".equals(host) ? " (loopback only; --host 0.0.0.0 accepts other hosts)" : "",
        profile,
        executor.cliName(), tlsCert != null ? ", TLS" : "");
    for (BenchServer backend : fleet.backends()) {
      out.println(backend.backendId() + " " + backend.target());
    }
    out.println("target " + fleet.target());
    if (balancer != null) {
      out.printf(Locale.ROOT, "l4 %s (%s, delay %d ms, one backend per connection)%n", balancer.target(),
          balancer.mode().cliName(), balancer.delay().toMillis());
    }
    out.println("serving until interrupted (Ctrl-C or SIGTERM)");
    out.flush();
    // A server's console is its log: gRPC's and Netty's warnings (bounded) go to standard error from here on.
    BoundedLogHandler.installed().ifPresent(h -> h.release(System.err));

    // SIGINT/SIGTERM start the JVM's shutdown: close the fleet, then end with 0 rather than 128+signal.
    PrintWriter err = spec.commandLine().getErr();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int exit = GrpcPoolCli.EXIT_OK;
      try {
        fleet.close();
        out.println("stopped");
      } catch (RuntimeException e) {
        err.println("serve: could not close every backend: " + e.getMessage());
        exit = 1;
      } finally {
        out.flush();
        err.flush();
        Runtime.getRuntime().halt(exit);
      }
    }, "grpcpool-serve-shutdown"));
    new CountDownLatch(1).await();
    return GrpcPoolCli.EXIT_OK;
  }

  /** Accepts the modes' command-line names ({@code round-robin}), as {@link L4Balancer.Mode#parse} does. */
  static final class L4ModeConverter implements CommandLine.ITypeConverter<L4Balancer.Mode> {
    @Override
    public L4Balancer.Mode convert(String value) {
      try {
        return L4Balancer.Mode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class ExecutorConverter implements CommandLine.ITypeConverter<ServerExecutor> {
    @Override
    public ServerExecutor convert(String value) {
      try {
        return ServerExecutor.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
