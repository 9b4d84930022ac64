package dev.grpcpool.bench;

import dev.grpcpool.bench.jmh.ClosedLoopSuite;
import dev.grpcpool.bench.jmh.Fixtures;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.ServerExecutor;
import dev.grpcpool.server.WorkProfile;
import io.grpc.Channel;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * One channel or a pool? Unary echo calls, closed loop with {@code inFlight} outstanding, in pairs of
 * scenarios that differ in one thing:
 * <ul>
 *   <li>{@code IN_PROCESS_BARE} vs {@code IN_PROCESS_POOL_OF_1}, {@code NETTY_BARE} vs {@code NETTY_POOL_OF_1}:
 *       the pool's own cost per call (same single channel, with and without the pool's pick and call
 *       accounting); the server does no work, so the overhead is as visible as it gets;
 *   <li>{@code NETTY_POOL_SHARED_LOOP} vs {@code NETTY_POOL_OWN_LOOP}: four channels that share gRPC's default
 *       event-loop group and executor, or each with its own single-thread event loop and executor;
 *   <li>{@code CAPPED_NETTY_BARE} vs {@code CAPPED_NETTY_POOL}: the case pooling exists for: the server allows
 *       {@value #CAPPED_CALLS_PER_CONNECTION} concurrent calls per connection and each call waits 1 ms, so one
 *       connection can complete at most {@value #CAPPED_CALLS_PER_CONNECTION} calls per millisecond and the
 *       other calls queue on the client; four channels carry four times as many.
 * </ul>
 *
 * <p>How to read it: calls per second, higher is better; compare within a pair, in one run. The latency reports
 * (run folder, or {@code -prof dev.grpcpool.bench.LatencyProfiler}) show where the calls queued.
 *
 * <p>Time budget (default settings): 8 scenarios = 8 trials, each 1 fork × (20 warm-up + 5 measurement
 * iterations) × 2 s = 50 s (the warm-up: {@link ClosedLoopSuite#WARMUP_ITERATIONS}), plus about 3 s to start:
 * about 7 min.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = ClosedLoopSuite.WARMUP_ITERATIONS, time = ClosedLoopSuite.WARMUP_SECONDS_PER_ITERATION)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class SingleVsPooledBenchmark extends ClosedLoopSuite {

  /** Concurrent calls per connection that the capped server allows. */
  static final int CAPPED_CALLS_PER_CONNECTION = 8;
  /** Channels of the multi-channel pools. */
  static final int POOL_SIZE = 4;
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  private static final WorkProfile CAPPED_WORK = WorkProfile.io(1_000);

  /** What the calls go through; see the class comment for the pairs. */
  public enum Scenario {
    IN_PROCESS_BARE,
    IN_PROCESS_POOL_OF_1,
    NETTY_BARE,
    NETTY_POOL_OF_1,
    NETTY_POOL_SHARED_LOOP,
    NETTY_POOL_OWN_LOOP,
    CAPPED_NETTY_BARE,
    CAPPED_NETTY_POOL;

    boolean inProcess() {
      return this == IN_PROCESS_BARE || this == IN_PROCESS_POOL_OF_1;
    }

    boolean capped() {
      return this == CAPPED_NETTY_BARE || this == CAPPED_NETTY_POOL;
    }

    boolean bare() {
      return this == IN_PROCESS_BARE || this == NETTY_BARE || this == CAPPED_NETTY_BARE;
    }

    int poolSize() {
      return this == IN_PROCESS_POOL_OF_1 || this == NETTY_POOL_OF_1 ? 1 : POOL_SIZE;
    }
  }

  @Param({"IN_PROCESS_BARE", "IN_PROCESS_POOL_OF_1", "NETTY_BARE", "NETTY_POOL_OF_1", "NETTY_POOL_SHARED_LOOP",
      "NETTY_POOL_OWN_LOOP", "CAPPED_NETTY_BARE", "CAPPED_NETTY_POOL"})
  public Scenario scenario;

  @Param({"64"})
  public int inFlight;

  private BenchServer server;
  private ManagedChannel bare;
  private ChannelPool pool;
  /** Event loops and executors made for NETTY_POOL_OWN_LOOP, closed at tear-down. */
  private final List<EventLoopGroup> ownLoops = new ArrayList<>();
  private final List<ExecutorService> ownExecutors = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    String detail;
    if (scenario.inProcess()) {
      String name = Fixtures.inProcessName("single-vs-pooled");
      // Direct executors on both sides, as grpc-java's own in-process benchmarks run: otherwise every call is
      // two thread hand-offs, whose scheduling noise is far larger than the cost being measured.
      server = BenchServer.inProcess(name).work(WorkProfile.none()).executor(ServerExecutor.DIRECT).start();
      detail = "in-process with direct executors, no server work";
    } else {
      BenchServer.Builder builder = BenchServer.netty(0)
          .work(scenario.capped() ? CAPPED_WORK : WorkProfile.none());
      if (scenario.capped()) {
        builder.maxConcurrentCallsPerConnection(CAPPED_CALLS_PER_CONNECTION);
      }
      server = builder.start();
      detail = scenario.capped()
          ? "Netty, server allows " + CAPPED_CALLS_PER_CONNECTION + " calls per connection, " + CAPPED_WORK
          : "Netty, no server work";
    }
    Channel channel;
    if (scenario.bare()) {
      // Retries off on both sides: the pool's default (retries on) makes gRPC wrap every call in a
      // RetriableStream, about 2 KB more allocation per call, which a bare channel built without
      // enableRetry() does not pay; the pair must differ only by the pool.
      bare = newBuilder(server.target()).disableRetry().build();
      channel = bare;
      Fixtures.warmUp(bare);
      detail += ", one bare channel";
    } else {
      pool = ChannelPool.create(PoolConfig.builder(server.target())
          .size(scenario.poolSize())
          .pickStrategy(PickStrategy.ROUND_ROBIN)
          .retryEnabled(false)
          .channelBuilderFactory(this::newBuilder)
          .build());
      Fixtures.warmUpEachChannel(pool);
      channel = pool;
      detail += ", pool of " + scenario.poolSize()
          + (scenario == Scenario.NETTY_POOL_OWN_LOOP ? " each with its own event loop and executor" : "");
    }
    startCalls(params, channel, "Unary echo call, closed loop with " + inFlight
        + " calls in flight; value = send to response.", detail, inFlight, CALL_DEADLINE, null);
  }

  /**
   * The channel builder of every scenario: in-process by name; Netty with gRPC's shared event loops and
   * executor, or, for {@code NETTY_POOL_OWN_LOOP}, a new single-thread event loop and executor per channel.
   */
  private ManagedChannelBuilder<?> newBuilder(String target) {
    if (scenario.inProcess()) {
      return InProcessChannelBuilder.forName(target).directExecutor();
    }
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target, InsecureChannelCredentials.create());
    if (scenario == Scenario.NETTY_POOL_OWN_LOOP) {
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      ExecutorService executor = Executors.newSingleThreadExecutor();
      synchronized (ownLoops) {
        ownLoops.add(group);
        ownExecutors.add(executor);
      }
      builder.eventLoopGroup(group).channelType(NioSocketChannel.class).executor(executor);
    }
    return builder;
  }

  @Override
  protected void closeFixtures() throws InterruptedException {
    try {
      Fixtures.close(pool);
      Fixtures.close(bare);
      synchronized (ownLoops) {
        for (EventLoopGroup group : ownLoops) {
          if (!group.shutdownGracefully(0, 0, TimeUnit.SECONDS)
              .await(Fixtures.TERMINATION.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("event loop group did not terminate");
          }
        }
        for (ExecutorService executor : ownExecutors) {
          Fixtures.close(executor);
        }
      }
    } finally {
      server.close();
    }
  }

  /** Sends one call, waiting first while {@code inFlight} calls are outstanding (closed loop). */
  @Benchmark
  @Threads(1)
  public void unary() throws InterruptedException {
    send();
  }

  /*
   * How to run:
   *   java -jar benchmarks/target/benchmarks.jar SingleVsPooled
   *   java -jar benchmarks/target/benchmarks.jar SingleVsPooled -p scenario=IN_PROCESS_BARE,IN_PROCESS_POOL_OF_1
   *   java -jar benchmarks/target/benchmarks.jar SingleVsPooled -p scenario=CAPPED_NETTY_BARE,CAPPED_NETTY_POOL
   *
   * What to expect: IN_PROCESS_POOL_OF_1 within about 3 % of IN_PROCESS_BARE (the pool's cost per call);
   * NETTY_POOL_OF_1 within noise of NETTY_BARE. CAPPED_NETTY_POOL near 4 times CAPPED_NETTY_BARE, which cannot
   * exceed 8 calls per millisecond (8000/s) however many calls are outstanding, with the excess queued on the
   * client and visible in its p99. SHARED_LOOP vs OWN_LOOP: on 2 cores, own loops mostly add threads that
   * compete for the same cores; on bigger machines they can spread the load. Differences under 3-5 % on a
   * busy machine are noise: compare the error columns.
   */
}
