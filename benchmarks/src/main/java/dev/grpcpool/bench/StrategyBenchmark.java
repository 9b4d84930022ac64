package dev.grpcpool.bench;

import dev.grpcpool.bench.jmh.ClosedLoop;
import dev.grpcpool.bench.jmh.ClosedLoopSuite;
import dev.grpcpool.bench.jmh.Fixtures;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.core.PoolStats;
import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.WorkProfile;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.ConnectivityState;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Which strategy copes with a degraded fleet? Every {@link PickStrategy} against three Netty backends on
 * loopback, one channel each: backend 0 is healthy, backend 1 is faulty ({@code NOT_SERVING}: answers calls
 * but reports NOT_SERVING on grpc.health.v1, as a draining server does; or {@code STOPPED}: its port is closed),
 * backend 2 is slow (every call waits {@value #SLOW_EXTRA_MILLIS} ms more). Every call waits
 * {@value #WORK_MICROS} µs on the server without holding a thread.
 *
 * <p>How to read it: the primary score counts calls sent per second, failed ones included, closed loop with
 * {@code inFlight} outstanding. The auxiliary counters say what those calls achieved, per second:
 * {@code okCalls} and {@code failedCalls} (the share of failed calls is failedCalls ÷ (okCalls + failedCalls);
 * with {@code -prof dev.grpcpool.bench.LatencyProfiler} it is also reported directly as
 * {@code calls.failed.share} in %), and {@code servedByFaulty} / {@code servedBySlow}, the successful calls
 * answered by the faulty and the slow backend. Round robin gives each backend a third of the calls whatever
 * happens; a strategy that reads health or load should send little to the faulty and the slow backend. The
 * latency reports (run folder) show the tail the slow backend adds. The pool checks health every
 * {@value #HEALTH_CHECK_MILLIS} ms; set-up waits (up to 10 s) until it has seen the fault.
 *
 * <p>Time budget (default settings): 4 strategies × 2 faults = 8 trials, each 1 fork × (20 warm-up +
 * 3 measurement iterations) × 2 s = 46 s (the warm-up: {@link ClosedLoopSuite#WARMUP_ITERATIONS}), plus about
 * 4 s to start the fork, fleet and pool: about 6 min 40 s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = ClosedLoopSuite.WARMUP_ITERATIONS, time = ClosedLoopSuite.WARMUP_SECONDS_PER_ITERATION)
@Measurement(iterations = 3, time = 2)
@State(Scope.Benchmark)
public class StrategyBenchmark extends ClosedLoopSuite {

  static final long WORK_MICROS = 200;
  static final long SLOW_EXTRA_MILLIS = 5;
  static final long HEALTH_CHECK_MILLIS = 100;
  static final int HEALTHY = 0;
  static final int FAULTY = 1;
  static final int SLOW = 2;
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
  private static final Duration FAULT_SEEN_TIMEOUT = Duration.ofSeconds(10);

  /** What is wrong with backend 1. */
  public enum Fault {
    NOT_SERVING,
    STOPPED
  }

  @Param({"ROUND_ROBIN", "HEALTHY_FIRST", "LEAST_IN_FLIGHT", "POWER_OF_TWO_CHOICES"})
  public PickStrategy strategy;

  @Param({"NOT_SERVING", "STOPPED"})
  public Fault fault;

  @Param({"32"})
  public int inFlight;

  private BenchFleet fleet;
  private ChannelPool pool;
  private String faultyId;
  private String slowId;
  private final LongAdder servedByFaulty = new LongAdder();
  private final LongAdder servedBySlow = new LongAdder();

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws InterruptedException {
    fleet = BenchFleet.start(3, BenchServer.netty(0).work(WorkProfile.io(WORK_MICROS)));
    faultyId = fleet.backend(FAULTY).backendId();
    slowId = fleet.backend(SLOW).backendId();
    pool = ChannelPool.create(PoolConfig.builder(fleet.targets())
        .size(3)
        .pickStrategy(strategy)
        .healthServiceName("")
        .healthCheckInterval(Duration.ofMillis(HEALTH_CHECK_MILLIS))
        .healthCheckTimeout(Duration.ofMillis(HEALTH_CHECK_MILLIS))
        .build());
    Fixtures.warmUpEachChannel(pool);
    fleet.slowDown(SLOW, Duration.ofMillis(SLOW_EXTRA_MILLIS));
    if (fault == Fault.STOPPED) {
      fleet.stop(FAULTY);
    } else {
      fleet.setServing(FAULTY, false);
    }
    boolean seen = awaitFaultSeen();
    String detail = "backend 1 " + fault + (seen ? " (seen by the pool)" : " (not yet seen by the pool)")
        + ", backend 2 +" + SLOW_EXTRA_MILLIS + " ms";
    startCalls(params, pool, "Unary echo call through a pool of 3 channels to 3 Netty backends, "
        + WORK_MICROS + " µs wait per call, closed loop with " + inFlight + " calls in flight;"
        + " value = send to response of successful calls.", detail, inFlight, CALL_DEADLINE, this::countBackend);
  }

  /** Waits until the pool reports the faulty channel as unhealthy or failing; false on time-out. */
  private boolean awaitFaultSeen() throws InterruptedException {
    long deadline = System.nanoTime() + FAULT_SEEN_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      PoolStats stats = pool.stats();
      if (stats.unhealthy() > 0 || stats.transientFailure() > 0
          || stats.channels().stream().anyMatch(c -> c.state() == ConnectivityState.TRANSIENT_FAILURE)) {
        return true;
      }
      // Set-up only, before any measurement: polling the pool's own view is what we wait for.
      TimeUnit.MILLISECONDS.sleep(HEALTH_CHECK_MILLIS / 4);
    }
    return false;
  }

  private void countBackend(EchoResponse response) {
    String id = response.getBackendId();
    if (id.equals(faultyId)) {
      servedByFaulty.increment();
    } else if (id.equals(slowId)) {
      servedBySlow.increment();
    }
  }

  @Override
  protected void beforeIteration() {
    loop().takeCounts();
    servedByFaulty.reset();
    servedBySlow.reset();
  }

  @Override
  protected void awaitIterationCalls() throws InterruptedException {
    iterationCounts();
  }

  /** Waits for the iteration's calls to complete and returns what they achieved (see {@link #countIteration}). */
  IterationCounts iterationCounts() throws InterruptedException {
    return countIteration(() -> {
      ClosedLoop.Counts calls = loop().takeCounts();
      return new IterationCounts(
          calls.ok(), calls.failed(), servedByFaulty.sumThenReset(), servedBySlow.sumThenReset());
    });
  }

  /**
   * What the calls of one iteration achieved.
   *
   * @param ok calls that succeeded
   * @param failed calls that failed
   * @param servedByFaulty successful calls answered by the faulty backend
   * @param servedBySlow successful calls answered by the slow backend
   */
  record IterationCounts(long ok, long failed, long servedByFaulty, long servedBySlow) {}

  @Override
  protected void closeFixtures() throws InterruptedException {
    Fixtures.close(pool, fleet::close);
  }

  /**
   * What the calls of an iteration achieved, per second (JMH divides {@link AuxCounters.Type#OPERATIONS}
   * counters by the iteration time). Filled in at the end of each iteration, after every call has completed.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Calls {
    public long okCalls;
    public long failedCalls;
    public long servedByFaulty;
    public long servedBySlow;

    @TearDown(Level.Iteration)
    public void collect(StrategyBenchmark benchmark) throws InterruptedException {
      IterationCounts counts = benchmark.iterationCounts();
      okCalls = counts.ok();
      failedCalls = counts.failed();
      servedByFaulty = counts.servedByFaulty();
      servedBySlow = counts.servedBySlow();
    }
  }

  /** Sends one call, waiting first while {@code inFlight} calls are outstanding (closed loop). */
  @Benchmark
  @Threads(1)
  public void unary(Calls calls) throws InterruptedException {
    send();
  }

  /*
   * How to run:
   *   java -jar benchmarks/target/benchmarks.jar Strategy
   *   java -jar benchmarks/target/benchmarks.jar Strategy -p fault=STOPPED -prof dev.grpcpool.bench.LatencyProfiler
   *
   * What to expect: ROUND_ROBIN sends a third of the calls to each backend: with STOPPED a third fail fast
   * (failedCalls about half of okCalls) and with NOT_SERVING a third are still answered by a backend that
   * asked for no traffic (servedByFaulty about a third of okCalls); in both cases a third wait for the slow
   * backend, so p99 is at least 5 ms. HEALTHY_FIRST avoids the faulty backend once the pool has seen it,
   * but not the slow one. LEAST_IN_FLIGHT and POWER_OF_TWO_CHOICES send less to the slow backend (its calls
   * stay in flight longer); whether they avoid the faulty one depends on how the pool treats a failing
   * channel: a channel whose calls fail at once has the fewest calls in flight. The numbers decide.
   */
}
