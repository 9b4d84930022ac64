package dev.grpcpool.bench;

import dev.grpcpool.bench.jmh.ClosedLoopSuite;
import dev.grpcpool.bench.jmh.Fixtures;
import dev.grpcpool.bench.work.SizingWorkload;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.core.sizing.PoolSizing;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.WorkProfile;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Does the pool size that {@link PoolSizing} recommends pay off? Unary echo calls through a pool whose size
 * is computed on this machine, not typed in: the rule of thumb for the workload ({@code RULE}), the same under
 * high concurrency ({@code RULE_HIGH_CONCURRENCY}), Little's law for the calls in flight ({@code LITTLES_LAW},
 * ⌈inFlight ÷ 50 streams per channel⌉), and a single channel ({@code ONE}) as the reference; against a Netty
 * server on loopback doing that kind of work per call, the project's presets ({@link WorkProfile#preset}):
 * {@code CPU}: {@value WorkProfile#PRESET_CPU_MICROS} µs spun, {@code IO}: {@value WorkProfile#PRESET_IO_MICROS} µs
 * waited without a thread, {@code MIXED}: {@value WorkProfile#PRESET_MIXED_CPU_MICROS} µs spun +
 * {@value WorkProfile#PRESET_MIXED_IO_MICROS} µs waited. (Until the presets were shared with the load generator
 * this suite spun 20 µs for {@code CPU} and 10 µs for {@code MIXED}; scores of {@code CPU} and {@code MIXED}
 * from before that are not comparable with later ones.)
 *
 * <p>How to read it: the score is calls per second (higher is better), closed loop with {@code inFlight} calls
 * outstanding; compare the sizings of one workload with each other, above all with {@code ONE}. The run
 * folder's {@code latency.md} shows each trial's pool size and latency ({@code .hlog} and {@code .hgrm} beside
 * it); the jar's default run also puts p50 / p99 / p99.9 into JMH's result (the latency profiler). Client and server share this machine's cores: a CPU-bound server competes with the
 * client, so more channels cannot make CPU work faster; what differs is connection-level queuing and how
 * many event-loop threads carry the calls.
 *
 * <p>Time budget (default settings): 3 workloads × 4 sizings = 12 trials, each 1 fork × (20 warm-up +
 * 3 measurement iterations) × 2 s = 46 s (the warm-up: {@link ClosedLoopSuite#WARMUP_ITERATIONS}), plus about
 * 3 s to start the fork, server and pool: about 10 min.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = ClosedLoopSuite.WARMUP_ITERATIONS, time = ClosedLoopSuite.WARMUP_SECONDS_PER_ITERATION)
@Measurement(iterations = 3, time = 2)
@State(Scope.Benchmark)
public class PoolSizeBenchmark extends ClosedLoopSuite {

  /** Where the pool size comes from. */
  public enum Sizing {
    ONE,
    RULE,
    RULE_HIGH_CONCURRENCY,
    LITTLES_LAW
  }

  /** Little's law is given the closed loop's concurrency as rate × latency: inFlight calls/s × 1 s. */
  private static final Duration LITTLES_LAW_LATENCY = Duration.ofSeconds(1);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

  /** The server's work per call: the preset of this kind, sized for as {@link SizingWorkload} says. */
  @Param({"CPU", "IO", "MIXED"})
  public WorkProfile.Kind work;

  @Param({"ONE", "RULE", "RULE_HIGH_CONCURRENCY", "LITTLES_LAW"})
  public Sizing sizing;

  @Param({"64"})
  public int inFlight;

  private BenchServer server;
  private ChannelPool pool;

  /** The pool size for a sizing, workload, concurrency and core count, as the trial computes it. */
  static int poolSize(Sizing sizing, WorkProfile.Kind work, int inFlight, int cores) {
    switch (sizing) {
      case ONE:
        return 1;
      case RULE:
        return PoolSizing.recommend(SizingWorkload.of(work), false, cores);
      case RULE_HIGH_CONCURRENCY:
        return PoolSizing.recommend(SizingWorkload.of(work), true, cores);
      default:
        return PoolSizing.littlesLaw(inFlight, LITTLES_LAW_LATENCY).channels();
    }
  }

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    int cores = Runtime.getRuntime().availableProcessors();
    int size = poolSize(sizing, work, inFlight, cores);
    WorkProfile profile = WorkProfile.preset(work);
    server = BenchServer.netty(0).work(profile).start();
    pool = ChannelPool.create(PoolConfig.builder(server.target())
        .size(size)
        .pickStrategy(PickStrategy.ROUND_ROBIN)
        .build());
    Fixtures.warmUpEachChannel(pool);
    String detail = size + (size == 1 ? " channel" : " channels") + ", " + cores + " cores";
    startCalls(params, pool, "Unary echo call over Netty loopback, " + profile
        + " per call on the server, closed loop with " + inFlight + " calls in flight; value = send to response.",
        detail, inFlight, CALL_DEADLINE, null);
  }

  @Override
  protected void closeFixtures() throws InterruptedException {
    Fixtures.close(pool, server::close);
  }

  /** Sends one call, waiting first while {@code inFlight} calls are outstanding (closed loop). */
  @Benchmark
  @Threads(1)
  public void unary() throws InterruptedException {
    send();
  }

  /*
   * How to run:
   *   java -jar benchmarks/target/benchmarks.jar PoolSize
   *   java -jar benchmarks/target/benchmarks.jar PoolSize -p work=IO -prof dev.grpcpool.bench.LatencyProfiler
   *   java -jar benchmarks/target/benchmarks.jar PoolSize -p inFlight=256     (more concurrency; LITTLES_LAW grows)
   *
   * What to expect: on a small machine the sizes are close to each other (2 cores: CPU 2, IO 6 / 7, MIXED 3,
   * LITTLES_LAW 2 at 64 in flight), and so are the throughputs: without a per-connection cap one HTTP/2
   * connection carries 64 concurrent calls well, so ONE is within noise of the others for CPU work and
   * several channels help mainly when the event loop of one connection is the bottleneck (IO, MIXED).
   * A large gap in favour of many channels only appears when the server caps streams per connection,
   * which SingleVsPooledBenchmark measures. Read p99 in the reports beside the throughput: more channels
   * can raise throughput and tail latency together.
   */
}
