package dev.grpcpool.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.InternalChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.core.PoolStats;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A bounded concurrency stress test of the pool's pick-and-swap logic: many threads choose channels (the
 * strategy's pick, {@code get()}), make unary and streaming calls (through the pool and through
 * {@code getHealthy()} views) and cancel calls before they start, while the pool replaces its channels every few
 * hundred milliseconds ({@code maxChannelAge}). It checks that no call fails because of a replacement and the
 * pool's counters add up exactly.
 *
 * <p>jcstress, the tool for exhaustive interleavings of such swap logic, is not available to this build; this
 * test instead repeats a bounded real-thread run once per pick strategy (each a second or two), with seeded
 * per-thread choices so a failing mix of operations can be replayed.
 */
class PoolStressTest {

  private static final int THREADS = 8;
  private static final int POOL_SIZE = 4;
  /** Each round ends once this many calls were made and this many channels replaced. */
  private static final long MIN_CALLS = 3_000;
  private static final long MIN_REPLACEMENTS = 2L * POOL_SIZE;

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  @ParameterizedTest
  @EnumSource(PickStrategy.class)
  void manyThreadsPickingCallingAndCancellingWhileChannelsAreReplaced_countersAddUp(PickStrategy strategy)
      throws Exception {
    BenchServer server = cleanup.add(BenchServer.inProcess("reliability-stress-" + strategy).start());
    ChannelPool pool = cleanup.add(ChannelPool.create(PoolConfig.builder(server.target()).size(POOL_SIZE)
        .pickStrategy(strategy).maxChannelAge(Duration.ofMillis(150)).healthCheckInterval(Duration.ofMillis(50))
        .channelBuilderFactory(InProcessChannelBuilder::forName).build()));
    ExecutorService workers = cleanup.executor(Executors.newFixedThreadPool(THREADS));
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder callsMade = new LongAdder();
    LongAdder callsOk = new LongAdder();
    LongAdder cancelledBeforeStart = new LongAdder();
    LongAdder nullPicks = new LongAdder();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      SplittableRandom random = new SplittableRandom(1_000 + t);
      running.add(workers.submit(() -> {
        EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(pool).withDeadlineAfter(30, TimeUnit.SECONDS);
        while (!stop.get()) {
          int op = random.nextInt(6);
          try {
            switch (op) {
              case 0:
              case 1: {
                // Choices that make no call count nothing.
                Object chosen = op == 0 ? InternalChannelPool.pick(pool) : pool.get();
                if (chosen == null) {
                  nullPicks.increment();
                }
                break;
              }
              case 2: {
                // A call on a getHealthy() view is a call of the pool like any other.
                callsMade.increment();
                EchoResponse answer = EchoGrpc.newBlockingStub(pool.getHealthy())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).unary(EchoRequest.getDefaultInstance());
                if (!answer.getBackendId().isEmpty()) {
                  callsOk.increment();
                }
                break;
              }
              case 3: {
                callsMade.increment();
                EchoResponse answer = stub.unary(EchoRequest.getDefaultInstance());
                if (!answer.getBackendId().isEmpty()) {
                  callsOk.increment();
                }
                break;
              }
              case 4: {
                callsMade.increment();
                Iterator<EchoResponse> answers =
                    stub.serverStream(EchoRequest.newBuilder().setStreamMessages(3).build());
                int n = 0;
                while (answers.hasNext()) {
                  answers.next();
                  n++;
                }
                if (n == 3) {
                  callsOk.increment();
                }
                break;
              }
              default: {
                callsMade.increment();
                ClientCall<EchoRequest, EchoResponse> call =
                    pool.newCall(EchoGrpc.getUnaryMethod(), CallOptions.DEFAULT);
                call.cancel("abandoned before start", null);
                cancelledBeforeStart.increment();
                break;
              }
            }
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
      }));
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
        callsMade.sum() >= MIN_CALLS && pool.stats().reconnects() >= MIN_REPLACEMENTS);
    stop.set(true);
    for (Future<?> f : running) {
      f.get(60, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.stats().inFlight() == 0);
    PoolStats stats = pool.stats();

    assertThat(failures).as("calls or picks that threw").isEmpty();
    assertThat(nullPicks.sum()).as("choices that returned nothing").isZero();
    long picks = stats.channels().stream().mapToLong(PoolStats.ChannelStats::picks).sum();
    long ok = stats.channels().stream().mapToLong(PoolStats.ChannelStats::callsOk).sum();
    long failed = stats.channels().stream().mapToLong(PoolStats.ChannelStats::callsFailed).sum();
    // Choosing without a call counts nothing: only calls (through the pool or a view) are picks.
    assertThat(picks).as("picks = calls started through the pool").isEqualTo(callsMade.sum());
    assertThat(ok + failed).as("callsOk + callsFailed = calls").isEqualTo(callsMade.sum());
    assertThat(ok).as("callsOk").isEqualTo(callsOk.sum());
    assertThat(failed).as("callsFailed = calls cancelled before start").isEqualTo(cancelledBeforeStart.sum());
    assertThat(stats.inFlight()).isZero();
    assertThat(stats.reconnects()).isGreaterThanOrEqualTo(MIN_REPLACEMENTS);
  }
}
