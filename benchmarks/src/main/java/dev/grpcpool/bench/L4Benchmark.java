package dev.grpcpool.bench;

import dev.grpcpool.bench.jmh.ClosedLoop;
import dev.grpcpool.bench.jmh.ClosedLoopSuite;
import dev.grpcpool.bench.jmh.Fixtures;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.core.sizing.PoolSizing;
import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.L4Balancer;
import dev.grpcpool.server.WorkProfile;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
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
 * How many channels behind a layer-4 balancer? {@value #BACKENDS} Netty backends on loopback behind an
 * {@link L4Balancer} (one address; each TCP connection pinned to one backend), each backend serving at most
 * {@value #WORKERS} calls at once ({@link BenchServer.Builder#workers}), every call waiting
 * {@value #WORK_MILLIS} ms without holding a thread: {@value #BACKENDS} × {@value #WORKERS} ÷
 * {@value #WORK_MILLIS} ms = 4,000 calls/s in all, 1,000/s per backend, whatever the CPU does. A pool of
 * {@code channels} channels (or the calculator's {@link PoolSizing#behindL4} size) sends unary echo calls in a
 * closed loop with {@code inFlight} outstanding.
 *
 * <p>How to read it: the score is calls sent per second; the auxiliary counters {@code okCalls} and
 * {@code backend0..3} say how many succeeded and which backend answered them, per second, so each backend's
 * share is {@code backendN ÷ okCalls}. The layer-4 {@code RANDOM} mode (kube-proxy in iptables mode) lands
 * the channels like balls into bins: {@link PoolSizing#l4Spread} gives the expected share of the fleet a
 * {@code LEAST_IN_FLIGHT} pick can use (backends reached) and the smaller share a {@code ROUND_ROBIN} pick can
 * use (held to the backend with the most channels); each fork draws one landing, so scores vary from fork to
 * fork by design: run several forks. {@code ROUND_ROBIN} (IPVS rr) lands channel i on backend i mod 4. The
 * console shows each trial's landing (connections per backend).
 *
 * <p>Two knobs show how connections rebalance: {@code restartedBackend=true} stops backend 0 after the pool is
 * up, waits until its channels have reconnected to the other backends, and starts it again (a rolled pod):
 * nothing comes back to it by itself;
 * {@code maxConnectionAgeSeconds} (e.g. 2) makes every backend close connections older than that, as
 * gRPC servers are told to behind L4 balancers, so channels reconnect and land again.
 *
 * <p>Latency: with {@code -prof dev.grpcpool.bench.LatencyProfiler} p50 / p99 / p99.9 of the closed loop appear
 * in JMH's result (not corrected for coordinated omission; {@code grpcpool load --l4} reports the corrected
 * figures of an open loop).
 *
 * <p>Time budget (default settings): 2 modes × 6 sizes × 2 strategies = 24 trials, each 1 fork × (5 warm-up ×
 * 5 s + 3 measurement × 5 s) = 40 s, plus about 4 s to start: about 18 minutes; narrow it with {@code -p}.
 * Why so long: on 2 cores the client, the balancer and four servers share one JVM, and the score still climbs
 * for about 25 s (with 10 s of warm-up and 2 s iterations, 4 round-robin-landed channels scored 3,406 calls/s
 * where the load generator measured 3,887; with 40 s and 5 s iterations, 3,900). Each iteration starts with
 * no call outstanding, so its first {@code inFlight} sends count without waiting: short iterations overstate
 * the rate by {@code inFlight} ÷ iteration time (200 ÷ 5 s = 40 calls/s here).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 3, time = 5)
@State(Scope.Benchmark)
public class L4Benchmark extends ClosedLoopSuite {

  static final int BACKENDS = 4;
  static final int WORKERS = 10;
  static final long WORK_MILLIS = 10;
  /** The {@code channels} value that asks the calculator. */
  static final String CALCULATOR = "calculator";
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(10);

  @Param({"RANDOM", "ROUND_ROBIN"})
  public L4Balancer.Mode l4;

  /** A channel count, or {@value #CALCULATOR} for {@link PoolSizing#behindL4}'s. */
  @Param({"1", "2", "4", "8", "16", CALCULATOR})
  public String channels;

  @Param({"LEAST_IN_FLIGHT", "ROUND_ROBIN"})
  public PickStrategy strategy;

  @Param({"200"})
  public int inFlight;

  /** How many seconds the backends keep a connection before asking the client to reconnect; 0: for ever. */
  @Param({"0"})
  public int maxConnectionAgeSeconds;

  /** Whether backend 0 is stopped and started again once the pool is connected. */
  @Param({"false"})
  public boolean restartedBackend;

  private BenchFleet fleet;
  private L4Balancer balancer;
  private ChannelPool pool;
  private String[] backendIds;
  private final AtomicLongArray servedBy = new AtomicLongArray(BACKENDS);

  /** The pool size a {@code channels} value stands for. */
  static int poolSize(String channels) {
    if (channels.equalsIgnoreCase(CALCULATOR)) {
      return PoolSizing.behindL4(BACKENDS).channels();
    }
    try {
      int n = Integer.parseInt(channels.trim());
      if (n >= 1 && n <= PoolSizing.MAX_L4) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("channels must be 1 to " + PoolSizing.MAX_L4 + " or " + CALCULATOR
        + ", was " + channels);
  }

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws InterruptedException {
    int size = poolSize(channels);
    BenchServer.Builder template = BenchServer.netty(0)
        .work(WorkProfile.io(TimeUnit.MILLISECONDS.toMicros(WORK_MILLIS)))
        .workers(WORKERS);
    if (maxConnectionAgeSeconds > 0) {
      template.maxConnectionAge(Duration.ofSeconds(maxConnectionAgeSeconds));
    }
    fleet = BenchFleet.start(BACKENDS, template);
    balancer = fleet.startL4(l4, Duration.ZERO);
    backendIds = fleet.backends().stream().map(BenchServer::backendId).toArray(String[]::new);
    pool = ChannelPool.create(PoolConfig.builder(balancer.target()).size(size).pickStrategy(strategy).build());
    Fixtures.warmUpEachChannel(pool);
    if (restartedBackend) {
      fleet.stop(0);
      awaitReconnectedElsewhere(size);
      fleet.restart(0);
    }
    PoolSizing.L4Spread expected = PoolSizing.l4Spread(BACKENDS, size);
    String detail = String.format(Locale.ROOT,
        "%d channels, L4 %s, connections per backend %s; random landing expects %.0f %% (least in flight) /"
            + " %.0f %% (round robin) of %d calls/s",
        size, l4.cliName(), balancer.openConnections(), 100 * expected.leastLoadedShare(),
        100 * expected.roundRobinShare(), BACKENDS * WORKERS * 1000 / WORK_MILLIS);
    startCalls(params, pool, "Unary echo call through a pool behind a layer-4 balancer to " + BACKENDS
        + " Netty backends of " + WORKERS + " workers each, " + WORK_MILLIS + " ms wait per call, closed loop with "
        + inFlight + " calls in flight; value = send to response.", detail, inFlight, CALL_DEADLINE,
        this::countBackend);
  }

  /**
   * Sends calls on every channel until all {@code size} connections are open again on backends other than 0,
   * as they are once a rolled pod's clients have reconnected and before the pod is back.
   */
  private void awaitReconnectedElsewhere(int size) throws InterruptedException {
    long deadline = System.nanoTime() + RECONNECT_TIMEOUT.toNanos();
    while (true) {
      List<Integer> open = balancer.openConnections();
      if (open.get(0) == 0 && open.stream().mapToInt(Integer::intValue).sum() == size) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("channels did not reconnect to the other backends within "
            + RECONNECT_TIMEOUT + ": connections per backend " + open);
      }
      for (int i = 0; i < size; i++) {
        try {
          Fixtures.warmUp(pool.get());
        } catch (StatusRuntimeException e) {
          // A channel that saw its connection close fails its next call fast; the one after reconnects.
        }
      }
      // Set-up only, before any measurement.
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private void countBackend(EchoResponse response) {
    String id = response.getBackendId();
    for (int i = 0; i < BACKENDS; i++) {
      if (backendIds[i].equals(id)) {
        servedBy.incrementAndGet(i);
        return;
      }
    }
  }

  @Override
  protected void beforeIteration() {
    loop().takeCounts();
    for (int i = 0; i < BACKENDS; i++) {
      servedBy.set(i, 0);
    }
  }

  @Override
  protected void awaitIterationCalls() throws InterruptedException {
    iterationCounts();
  }

  /** Waits for the iteration's calls and returns {ok, failed, backend 0, …} (see {@link #countIteration}). */
  long[] iterationCounts() throws InterruptedException {
    return countIteration(() -> {
      ClosedLoop.Counts calls = loop().takeCounts();
      long[] counts = new long[2 + BACKENDS];
      counts[0] = calls.ok();
      counts[1] = calls.failed();
      for (int i = 0; i < BACKENDS; i++) {
        counts[2 + i] = servedBy.getAndSet(i, 0);
      }
      return counts;
    });
  }

  @Override
  protected void closeFixtures() throws InterruptedException {
    Fixtures.close(pool, fleet::close);
  }

  /** What the calls of an iteration achieved, per second, filled in once every call has completed. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Calls {
    public long okCalls;
    public long failedCalls;
    public long backend0;
    public long backend1;
    public long backend2;
    public long backend3;

    @TearDown(Level.Iteration)
    public void collect(L4Benchmark benchmark) throws InterruptedException {
      long[] c = benchmark.iterationCounts();
      okCalls = c[0];
      failedCalls = c[1];
      backend0 = c[2];
      backend1 = c[3];
      backend2 = c[4];
      backend3 = c[5];
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
   *   java -jar benchmarks/target/benchmarks.jar L4Benchmark -f 3
   *   java -jar benchmarks/target/benchmarks.jar L4Benchmark -p l4=RANDOM -p channels=1,16 -f 3
   *   java -jar benchmarks/target/benchmarks.jar L4Benchmark -p l4=ROUND_ROBIN -p channels=8
   *       -p strategy=LEAST_IN_FLIGHT -p restartedBackend=true -p maxConnectionAgeSeconds=0,2
   *
   * What to expect: one channel is held to one backend (1,000/s) in every mode. Behind RANDOM, LEAST_IN_FLIGHT
   * follows the backends reached (16 channels: about 99 % of 4,000/s) and ROUND_ROBIN the busiest backend's
   * channels (16 channels: about 67 % on average, from fork to fork anywhere between 40 % and 100 %). Behind
   * ROUND_ROBIN every multiple of 4 is even. After a restarted backend, nothing reaches it again until the
   * servers' max connection age sends the channels back through the balancer.
   */
}
