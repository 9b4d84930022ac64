package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.LONG_WAIT;
import static dev.grpcpool.core.PoolTestSupport.awaitAllReady;
import static dev.grpcpool.core.PoolTestSupport.inProcessConfig;
import static dev.grpcpool.core.PoolTestSupport.request;
import static dev.grpcpool.core.PoolTestSupport.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for the pick strategies of {@link ChannelPool}, against in-process backends (one per channel). */
class ChannelPoolPickTest {

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void roundRobin_spreads3000UnaryCallsEvenly() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(3);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);
    ExecutorService threads = support.register(Executors.newFixedThreadPool(4));

    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      work.add(threads.submit(() -> {
        for (int i = 0; i < 750; i++) {
          stub.unaryRpc(request(""));
        }
      }));
    }
    for (Future<?> f : work) {
      f.get(60, TimeUnit.SECONDS);
    }

    for (PoolTestBackend b : backends) {
      assertThat(b.unaryCalls()).as("calls served by %s", b.id).isBetween(999, 1001);
    }
    for (PoolStats.ChannelStats c : pool.stats().channels()) {
      assertThat(c.picks()).isBetween(999L, 1001L);
      assertThat(c.callsOk()).isEqualTo(c.picks());
      assertThat(c.inFlight()).isZero();
    }
  }

  @Test
  void roundRobin_wrapsFromLastChannelToFirstAndStaysEven() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(3);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    pool.setRoundRobinPosition(2);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);

    stub.unaryRpc(request(""));
    // The position held the last slot: the next call wraps to the first channel.
    assertThat(backends.get(0).unaryCalls()).as("first call after the last slot").isEqualTo(1);
    for (int i = 1; i < 30; i++) {
      stub.unaryRpc(request(""));
    }

    for (PoolTestBackend b : backends) {
      assertThat(b.unaryCalls()).as("calls served by %s", b.id).isEqualTo(10);
    }
    assertThatThrownBy(() -> pool.setRoundRobinPosition(3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leastInFlight_sendsNewCallsAwayFromChannelHeldBusy() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(3);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).pickStrategy(PickStrategy.LEAST_IN_FLIGHT));
    awaitAllReady(pool);
    PoolTestSupport.Outcome slow = new PoolTestSupport.Outcome();
    SimpleServiceGrpc.newStub(pool).unaryRpc(request("hold"), slow);
    await().atMost(LONG_WAIT).until(() -> backends.stream().mapToInt(PoolTestBackend::held).sum() == 1);
    PoolTestBackend busy = backends.stream().filter(b -> b.held() == 1).findFirst().orElseThrow();

    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);
    for (int i = 0; i < 60; i++) {
      stub.unaryRpc(request(""));
    }

    assertThat(busy.unaryCalls()).as("calls on the busy backend").isEqualTo(1);
    for (PoolTestBackend b : backends) {
      if (b != busy) {
        assertThat(b.unaryCalls()).as("calls served by %s", b.id).isPositive();
      }
    }
    assertThat(pool.stats().channels()).filteredOn(c -> c.inFlight() == 1).hasSize(1);
    busy.releaseHeld();
    await().atMost(LONG_WAIT).until(slow::done);
    assertThat(slow.error.get()).isNull();
  }

  @ParameterizedTest
  @EnumSource(value = PickStrategy.class, names = {"LEAST_IN_FLIGHT", "POWER_OF_TWO_CHOICES"})
  void burstOf400ConcurrentCalls_doesNotPileOntoOneChannel(PickStrategy strategy) throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(4);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).pickStrategy(strategy));
    awaitAllReady(pool);
    SimpleServiceGrpc.SimpleServiceStub stub = SimpleServiceGrpc.newStub(pool);
    ExecutorService threads = support.register(Executors.newFixedThreadPool(8));
    CountDownLatch go = new CountDownLatch(1);
    List<PoolTestSupport.Outcome> outcomes = new ArrayList<>();
    List<Future<?>> senders = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      List<PoolTestSupport.Outcome> mine = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        mine.add(new PoolTestSupport.Outcome());
      }
      outcomes.addAll(mine);
      senders.add(threads.submit(() -> {
        go.await();
        for (PoolTestSupport.Outcome o : mine) {
          stub.unaryRpc(request("hold"), o);
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : senders) {
      f.get(60, TimeUnit.SECONDS);
    }
    await().atMost(LONG_WAIT).until(() -> backends.stream().mapToInt(PoolTestBackend::held).sum() == 400);

    int busiest = backends.stream().mapToInt(PoolTestBackend::held).max().orElseThrow();
    assertThat(busiest).as("busiest backend's share of 400 calls over 4 channels").isLessThanOrEqualTo(150);
    PoolStats stats = pool.stats();
    for (int i = 0; i < 4; i++) {
      assertThat(stats.channels().get(i).inFlight()).as("in flight on channel %d", i)
          .isEqualTo(backends.get(i).held());
    }

    backends.forEach(PoolTestBackend::releaseHeld);
    await().atMost(LONG_WAIT).until(() -> outcomes.stream().allMatch(PoolTestSupport.Outcome::done));
    assertThat(outcomes).allMatch(o -> o.error.get() == null);
    assertThat(pool.stats().inFlight()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = PickStrategy.class, names = {"LEAST_IN_FLIGHT", "POWER_OF_TWO_CHOICES"})
  void loadBasedStrategies_doNotSendCallsToAFailingChannel(PickStrategy strategy) throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(List.of(PoolTestBackend.unusedInProcessName(),
        backends.get(0).target())).pickStrategy(strategy));
    // A failing channel fails calls at once, so its in-flight count is always low: it must not look idle.
    await().atMost(LONG_WAIT).until(() -> pool.stats().transientFailure() == 1 && pool.stats().ready() == 1);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);

    for (int i = 0; i < 20; i++) {
      stub.unaryRpc(request(""));
    }

    assertThat(backends.get(0).unaryCalls()).isEqualTo(20);
    assertThat(pool.stats().channels().get(0).picks()).isZero();
  }

  @ParameterizedTest
  @EnumSource(PickStrategy.class)
  void pick_allocatesNothing(PickStrategy strategy) throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(4);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).pickStrategy(strategy));
    awaitAllReady(pool);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int i = 0; i < 20_000; i++) {
      InternalChannelPool.pick(pool);
    }

    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 100_000; i++) {
      InternalChannelPool.pick(pool);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    // Allocating even one small object per pick would show as megabytes here.
    assertThat(allocated).as("bytes allocated by 100,000 picks").isLessThan(16 * 1024);
  }

  @Test
  void getHealthy_noChannelHealthy_fallsBackToRoundRobinAndCountsIt() {
    ChannelPool pool = support.pool(inProcessConfig(List.of(PoolTestBackend.unusedInProcessName(),
        PoolTestBackend.unusedInProcessName())));
    await().atMost(LONG_WAIT).until(() -> pool.stats().transientFailure() == 2);

    List<Channel> picked = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      picked.add(pool.getHealthy());
    }

    assertThat(pool.stats().noHealthyFallbacks()).isEqualTo(10);
    assertThat(picked).containsOnly(pool.current(0).slot.view, pool.current(1).slot.view);
  }

  @Test
  void getHealthy_skipsChannelItsUserShutDown_andThePoolReplacesIt() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).size(3)
        .pickStrategy(PickStrategy.HEALTHY_FIRST));
    awaitAllReady(pool);
    ManagedChannel victim = pool.current(0).channel;

    victim.shutdown();
    // Picks read the snapshot, rebuilt from the SHUTDOWN callback: from then on no healthy pick leads there.
    await().atMost(LONG_WAIT).until(() -> pool.stats().channels().get(0).state() == ConnectivityState.SHUTDOWN
        || pool.current(0).channel != victim);
    for (int i = 0; i < 30; i++) {
      SimpleServiceGrpc.newBlockingStub(pool.getHealthy()).unaryRpc(request(""));
    }

    await().atMost(LONG_WAIT).until(() -> pool.stats().reconnects() == 1 && pool.stats().ready() == 3);
    assertThat(pool.current(0).channel).isNotSameAs(victim);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);
    for (int i = 0; i < 9; i++) {
      stub.unaryRpc(request(""));
    }
    assertThat(pool.stats().noHealthyFallbacks()).isZero();
  }

  @Test
  void pickRecorder_receivesEveryPickWhileSet_andNothingOnceCleared() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(2);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);
    LongAdder recorded = new LongAdder();
    LongAdder negative = new LongAdder();

    pool.setPickRecorder(nanos -> {
      recorded.increment();
      if (nanos < 0) {
        negative.increment();
      }
    });
    for (int i = 0; i < 10; i++) {
      stub.unaryRpc(request(""));
    }
    pool.setPickRecorder(null);
    for (int i = 0; i < 5; i++) {
      stub.unaryRpc(request(""));
    }

    assertThat(recorded.sum()).isEqualTo(10);
    assertThat(negative.sum()).isZero();
  }
}
