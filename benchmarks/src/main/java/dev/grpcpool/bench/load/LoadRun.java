package dev.grpcpool.bench.load;

import dev.grpcpool.bench.load.call.CallTemplate;
import dev.grpcpool.bench.metrics.PrometheusEndpoint;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.DurationText;
import dev.grpcpool.core.PoolMetrics;
import dev.grpcpool.core.PoolStats;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One complete load run: opens the channel or pool to a {@link LoadTarget}, checks the target answers, runs the
 * {@link LoadGenerator} with faults and a progress line, and writes the run's folder and summary.
 *
 * <p>{@link #stop} (from a Ctrl-C handler) ends the measurement early; the run still writes what it measured and
 * {@link #awaitWritten} lets the handler wait for that. Thread-safe for that pair; {@link #execute} runs once.
 */
public final class LoadRun {
  private final LoadTarget target;
  private final RunSettings settings;
  private final PrintWriter out;
  private final PrintWriter err;
  private final AtomicReference<LoadGenerator> generator = new AtomicReference<>();
  private final CountDownLatch written = new CountDownLatch(1);
  private volatile boolean stopped;
  private volatile RunOutput output;

  public LoadRun(LoadTarget target, RunSettings settings, PrintWriter out, PrintWriter err) {
    this.target = target;
    this.settings = settings;
    this.out = out;
    this.err = err;
  }

  /**
   * Checks what can be checked before anything starts: faults need an embedded fleet and must name its
   * backends and fall inside the run, and the output folder must be new or empty.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static void validate(LoadTarget target, RunSettings settings) {
    if (!settings.faults().isEmpty()) {
      if (target.fleet() == null) {
        throw new IllegalArgumentException("--fault needs the embedded fleet; it cannot act on --target servers");
      }
      settings.faults().check(target.fleet().size(), settings.spec().duration());
    }
    RunOutput.checkUsable(settings.out());
  }

  /**
   * Runs, writes the output folder, prints the summary on {@code out}, and returns the result.
   *
   * @throws IllegalArgumentException for bad input found on the way (unreachable target, port in use)
   */
  public LoadResult execute() throws InterruptedException {
    try {
      return run();
    } finally {
      written.countDown();
    }
  }

  /**
   * Searches for the highest rate that holds {@code slo} ({@link FindMax}) with the run's load as the template of
   * every step, writes the steps into the output folder, prints the table on {@code out}, and returns the answer.
   *
   * @throws IllegalArgumentException for bad input found on the way (unreachable target, faults given)
   */
  public FindMax.Outcome executeFindMax(FindMax.Slo slo) throws InterruptedException {
    try {
      validate(target, settings);
      if (!settings.faults().isEmpty()) {
        throw new IllegalArgumentException("--fault cannot be used with --find-max");
      }
      try (LoadTarget.Connection connection = target.connect(settings.channels(), settings.effectivePoolSize(),
          settings.selfSizing(), settings.healthService(), settings.healthInterval())) {
        LoadSpec spec = settings.spec();
        CallTemplate calls = target.prepare(connection.channel(), spec, probeTimeout(spec));
        output = RunOutput.prepare(settings.out(), "find-max");
        if (!settings.quiet()) {
          err.printf("grpcpool load --find-max: the highest rate with %s against %s, writing to %s%n", slo.text(),
              target.description(), output.dir());
        }
        FindMax.Outcome o = FindMax.search(connection.channel(), spec, calls, slo, output.dir(), configuration(),
            line -> {
              if (!settings.quiet()) {
                err.println(line);
                err.flush();
              }
            }, g -> {
              generator.set(g);
              if (stopped) {
                g.stop();
              }
            });
        FindMax.print(o, slo, out);
        out.println();
        out.println("Results: " + output.dir().toAbsolutePath());
        out.flush();
        return o;
      }
    } finally {
      written.countDown();
    }
  }

  private static Duration probeTimeout(LoadSpec spec) {
    return !spec.deadline().isZero() && spec.deadline().compareTo(Duration.ofSeconds(5)) < 0
        ? spec.deadline() : Duration.ofSeconds(5);
  }

  private LoadResult run() throws InterruptedException {
    validate(target, settings);
    LoadSpec spec = settings.spec();
    try (LoadTarget.Connection connection = target.connect(settings.channels(), settings.effectivePoolSize(),
        settings.selfSizing(), settings.healthService(), settings.healthInterval());
        MetricsExposure metrics = MetricsExposure.start(connection.pool(), settings.metricsPort(), err)) {
      CallTemplate calls = target.prepare(connection.channel(), spec, probeTimeout(spec));
      LoadGenerator.checkRate(spec, calls);
      output = RunOutput.prepare(settings.out(), spec.generators() == 1 ? "load"
          : "load-generator-" + spec.generatorIndex() + "-of-" + spec.generators());
      FaultInjector injector = target.fleet() == null ? null
          : new FaultInjector(target.fleet(), settings.faults(), line -> {
            if (!settings.quiet()) {
              err.println(line);
              err.flush();
            }
          });
      AtomicReference<PoolStats> before = new AtomicReference<>();
      ChannelPool pool = connection.pool();
      PoolTimeline poolTimeline = pool == null ? null : new PoolTimeline(pool);
      ProgressLine progress = new ProgressLine(err, spec.duration().toNanos() / 1e9);
      LoadGenerator.Listener listener = new LoadGenerator.Listener() {
        @Override
        public void measuring(long nanoTime) {
          if (pool != null) {
            before.set(pool.stats());
            poolTimeline.start(before.get());
          }
          if (injector != null) {
            injector.start(nanoTime);
          }
        }

        @Override
        public void warmingUp(long elapsedNanos, long ended, long jitMillis, LoadGenerator g) {
          if (!settings.quiet()) {
            progress.warmingUp(elapsedNanos, ended, jitMillis, g);
          }
        }

        @Override
        public void interval(IntervalSample sample, LoadGenerator g) {
          PoolTimeline.Second poolSecond = poolTimeline == null ? null : poolTimeline.secondClosed(sample.index());
          if (!settings.quiet()) {
            progress.interval(sample, g, poolSecond);
          }
        }
      };
      if (!settings.quiet()) {
        err.printf("grpcpool load: %s against %s, writing to %s%n", describe(spec), target.description(),
            output.dir());
      }
      LoadGenerator g = LoadGenerator.start(connection.channel(), spec, calls, listener);
      generator.set(g);
      if (stopped) {
        g.stop();
      }
      LoadResult result;
      try {
        result = g.await();
      } finally {
        if (injector != null) {
          injector.close();
        }
      }
      List<PoolTimeline.Second> poolSeconds = List.of();
      PoolStats after = null;
      Map<String, Object> extra = new LinkedHashMap<>();
      if (pool != null) {
        after = pool.stats();
        poolTimeline.ended(result.intervals().size(), after);
        poolSeconds = poolTimeline.rows();
        extra.put("pool", PoolReport.json(before.get(), after, result, poolSeconds));
      }
      if (injector != null && !settings.faults().isEmpty()) {
        extra.put("faults", injector.applied());
      }
      L4Spread spread = target.balancer() == null ? null : L4Spread.of(target.balancer(), target.fleet(), result);
      if (spread != null) {
        extra.put("l4", spread);
      }
      output.write(result, configuration(), extra, poolSeconds);
      SummaryText.print(result, target.description(), out);
      if (spread != null) {
        spread.print(out);
      }
      if (pool != null) {
        PoolReport.print(out, before.get(), after);
      }
      out.println();
      out.println("Results: " + output.dir().toAbsolutePath());
      out.flush();
      return result;
    }
  }

  /** Ends the measurement early; what was measured is still written. Idempotent. */
  public void stop() {
    stopped = true;
    LoadGenerator g = generator.get();
    if (g != null) {
      g.stop();
    }
  }

  /** Waits until {@link #execute} has written its output (or failed). */
  public boolean awaitWritten(Duration timeout) throws InterruptedException {
    return written.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The output folder, once the run has created it. */
  public RunOutput output() {
    return output;
  }

  private Map<String, Object> configuration() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.putAll(target.toMap());
    c.put("channel", settings.poolMap());
    c.put("load", settings.spec().toMap());
    c.put("faults", settings.faults().faults().stream().map(Object::toString).toList());
    c.put("metricsPort", settings.metricsPort());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    c.put("machine", machine);
    return c;
  }

  private static String describe(LoadSpec spec) {
    String warm = spec.warmupUntilSteady() ? "a warm-up until steady"
        : spec.warmup().isZero() ? "no warm-up" : DurationText.of(spec.warmup()) + " of warm-up";
    if (spec.startAt() != null) {
      warm += ", starting at " + spec.startAt();
    }
    if (spec.generators() > 1) {
      warm += "; generator " + spec.generatorIndex() + " of " + spec.generators() + ", sending its share";
    }
    if (spec.call() != null) {
      warm += "; calling " + spec.call().call();
    }
    return spec.mode() == LoadSpec.Mode.OPEN_LOOP
        ? String.format(java.util.Locale.ROOT, "open loop %s for %s after %s", spec.rateText(),
            DurationText.of(spec.duration()), warm)
        : String.format(java.util.Locale.ROOT, "closed loop, %d callers, for %s after %s", spec.concurrency(),
            DurationText.of(spec.duration()), warm);
  }

  /** The pool's metrics on a Prometheus endpoint while the run lasts; nothing when no port is given. */
  private static final class MetricsExposure implements AutoCloseable {
    private final PoolMetrics metrics;
    private final PrometheusEndpoint endpoint;

    private MetricsExposure(PoolMetrics metrics, PrometheusEndpoint endpoint) {
      this.metrics = metrics;
      this.endpoint = endpoint;
    }

    static MetricsExposure start(ChannelPool pool, Integer port, PrintWriter err) {
      if (port == null) {
        return new MetricsExposure(null, null);
      }
      if (pool == null) {
        throw new IllegalArgumentException("--metrics-port needs a pool; --single-channel has no pool metrics");
      }
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      PoolMetrics metrics = new PoolMetrics(pool);
      metrics.bindTo(registry);
      try {
        PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, port);
        err.println("pool metrics at " + endpoint.uri());
        return new MetricsExposure(metrics, endpoint);
      } catch (IOException e) {
        metrics.close();
        throw new IllegalArgumentException("cannot serve metrics on port " + port + ": " + e.getMessage());
      }
    }

    @Override
    public void close() {
      if (endpoint != null) {
        endpoint.close();
      }
      if (metrics != null) {
        metrics.close();
      }
    }
  }
}
