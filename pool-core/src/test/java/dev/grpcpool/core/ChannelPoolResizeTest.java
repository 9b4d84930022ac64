package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.LONG_WAIT;
import static dev.grpcpool.core.PoolTestSupport.inProcessConfig;
import static dev.grpcpool.core.PoolTestSupport.request;
import static dev.grpcpool.core.PoolTestSupport.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.core.PoolStats.ResizeReason;
import io.grpc.ConnectivityState;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tests for how a {@link ChannelPool} that sizes itself adds and removes channels ({@link PoolResizer}), over
 * in-process backends: every bound, joining when READY, draining what it removes, and the decision rule.
 * Resizes are driven by hand (with a resize interval too long to fire) except in the burst test.
 */
class ChannelPoolResizeTest {

  /** Long enough that no resize decision runs by itself during a test. */
  private static final Duration NEVER = Duration.ofDays(1);

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  private ChannelPool adaptivePool(int min, int max, PoolConfig.ChannelBuilderFactory factory) throws Exception {
    List<String> targets = targets(support.inProcessBackends(1));
    PoolConfig.Builder b = inProcessConfig(targets).minSize(min).maxSize(max).resizeInterval(NEVER);
    return support.pool(factory == null ? b : b.channelBuilderFactory(factory));
  }

  /** In-process channels; the builds listed in {@code deadBuilds} (0 = the first) dial a name nobody serves. */
  private static PoolConfig.ChannelBuilderFactory deadFor(int... deadBuilds) {
    AtomicInteger builds = new AtomicInteger();
    String missing = PoolTestBackend.unusedInProcessName();
    return target -> {
      int build = builds.getAndIncrement();
      boolean dead = false;
      for (int d : deadBuilds) {
        dead |= d == build;
      }
      return InProcessChannelBuilder.forName(dead ? missing : target).directExecutor();
    };
  }

  private static void awaitPickable(ChannelPool pool, int channels) {
    await().atMost(LONG_WAIT).until(() -> pool.pickableChannels() == channels);
  }

  // ---------------------------------------------------------------- growing

  @Test
  void grow_addsChannelsThatArePickedOnceReady_neverAboveMaxSize() throws Exception {
    ChannelPool pool = adaptivePool(1, 3, null);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);

    assertThat(pool.maintenance().resizer().grow(5, ResizeReason.ABOVE_BAND)).isEqualTo(2);
    assertThat(pool.size()).isEqualTo(3);
    awaitPickable(pool, 3);
    for (int i = 0; i < 30; i++) {
      stub.unaryRpc(request(""));
    }

    PoolStats stats = pool.stats();
    assertThat(stats.channels()).extracting(PoolStats.ChannelStats::picks).containsExactly(10L, 10L, 10L);
    assertThat(stats.sizing()).isEqualTo(new PoolStats.Sizing(1, 3, 1, 0, 1, 0, 2, 0));
    assertThat(pool.maintenance().resizer().grow(1, ResizeReason.CALLS_QUEUED)).as("at maxSize").isZero();
  }

  @Test
  void addedChannelThatNeverGetsReady_isNeverPicked() throws Exception {
    ChannelPool pool = adaptivePool(1, 2, deadFor(1));
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);

    pool.maintenance().resizer().grow(1, ResizeReason.CALLS_QUEUED);
    await().atMost(LONG_WAIT).until(() -> pool.current(1).state() == ConnectivityState.TRANSIENT_FAILURE);
    for (int i = 0; i < 10; i++) {
      stub.unaryRpc(request(""));
    }

    assertThat(pool.stats().channels()).extracting(PoolStats.ChannelStats::picks).containsExactly(10L, 0L);
    assertThat(pool.stats().sizing().grownForQueuing()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- shrinking

  @Test
  void shrink_neverGoesBelowMinSize() throws Exception {
    ChannelPool pool = adaptivePool(2, 5, null);
    pool.maintenance().resizer().grow(3, ResizeReason.ABOVE_BAND);
    awaitPickable(pool, 5);

    assertThat(pool.maintenance().resizer().shrink(10)).isEqualTo(3);
    assertThat(pool.size()).isEqualTo(2);
    assertThat(pool.maintenance().resizer().shrink(1)).isZero();
    assertThat(pool.stats().sizing()).isEqualTo(new PoolStats.Sizing(2, 5, 2, 0, 1, 1, 3, 3));
  }

  @Test
  void shrink_neverRemovesTheLastHealthyChannel() throws Exception {
    // Channel 0 dials nobody, so the channels added after it are the only healthy ones.
    ChannelPool pool = adaptivePool(1, 4, deadFor(0));
    await().atMost(LONG_WAIT).until(() -> pool.current(0).state() == ConnectivityState.TRANSIENT_FAILURE);
    pool.maintenance().resizer().grow(3, ResizeReason.ABOVE_BAND);
    await().atMost(LONG_WAIT).until(() -> pool.stats().ready() == 3);

    assertThat(pool.maintenance().resizer().shrink(10)).as("channels 3 and 2 go, 1 stays").isEqualTo(2);
    assertThat(pool.size()).isEqualTo(2);
    assertThat(pool.current(1).state()).isEqualTo(ConnectivityState.READY);
    assertThat(pool.maintenance().resizer().shrink(1)).isZero();
  }

  @Test
  void removedChannel_finishesItsCallsInFlight_thenShutsDown_andItsSlotKeepsCounting() throws Exception {
    PoolTestBackend backend = support.inProcessBackends(1).get(0);
    ChannelPool pool = support.pool(inProcessConfig(List.of(backend.target())).minSize(1).maxSize(3)
        .resizeInterval(NEVER));
    SimpleServiceGrpc.SimpleServiceStub async = SimpleServiceGrpc.newStub(pool);
    pool.maintenance().resizer().grow(2, ResizeReason.ABOVE_BAND);
    awaitPickable(pool, 3);
    List<PoolTestSupport.Outcome> held = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      PoolTestSupport.Outcome o = new PoolTestSupport.Outcome();
      async.unaryRpc(request("hold"), o);
      held.add(o);
    }
    await().atMost(LONG_WAIT).until(() -> backend.held() == 9);
    PooledChannel removed = pool.current(2);

    assertThat(pool.maintenance().resizer().shrink(2)).isEqualTo(2);
    PoolStats during = pool.stats();
    assertThat(during.channels()).hasSize(1);
    assertThat(during.draining()).isEqualTo(2);
    assertThat(during.drainingInFlight()).isEqualTo(6);
    await("shut down gracefully, its calls still running").atMost(LONG_WAIT)
        .until(() -> removed.channel.isShutdown() && !removed.channel.isTerminated());
    SimpleServiceGrpc.newBlockingStub(pool).unaryRpc(request(""));
    assertThat(pool.stats().channels().get(0).picks()).as("new calls go to the channel left").isEqualTo(4);

    backend.releaseHeld();
    await().atMost(LONG_WAIT).until(() -> held.stream().allMatch(PoolTestSupport.Outcome::done));
    assertThat(held).allSatisfy(o -> {
      assertThat(o.error.get()).isNull();
      assertThat(o.completed).isTrue();
    });
    await().atMost(LONG_WAIT).until(() -> pool.stats().draining() == 0);
    PoolStats after = pool.stats();
    assertThat(after.removed()).extracting(PoolStats.ChannelStats::index).containsExactly(1, 2);
    assertThat(after.removed()).allMatch(c -> c.callsOk() == 3 && c.picks() == 3);
    assertThat(after.callsOk()).as("removed slots still count").isEqualTo(10);

    pool.maintenance().resizer().grow(1, ResizeReason.CALLS_QUEUED);
    assertThat(pool.stats().channels().get(1).callsOk()).as("a reused slot keeps its counts").isEqualTo(3);
    assertThat(pool.stats().removed()).extracting(PoolStats.ChannelStats::index).containsExactly(2);
  }

  // ---------------------------------------------------------------- deciding by itself

  @Test
  void burstOfAThousandCalls_opensAtMostMaxResizeStepChannelsPerInterval_upToMaxSize_thenShrinksToMinSize()
      throws Exception {
    PoolTestBackend backend = support.inProcessBackends(1).get(0);
    Duration interval = Duration.ofMillis(400);
    int step = 2;
    long startNanos = System.nanoTime();
    ChannelPool pool = support.pool(inProcessConfig(List.of(backend.target())).minSize(1).maxSize(8)
        .resizeInterval(interval).maxResizeStep(step));
    SimpleServiceGrpc.SimpleServiceStub async = SimpleServiceGrpc.newStub(pool);
    List<PoolTestSupport.Outcome> burst = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      PoolTestSupport.Outcome o = new PoolTestSupport.Outcome();
      async.unaryRpc(request("hold"), o);
      burst.add(o);
    }

    // Decisions are at least one interval apart, so by any moment at most step x (intervals since the start)
    // channels can have been added.
    await().atMost(LONG_WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
      long added = pool.stats().sizing().channelsAdded();
      long intervals = (System.nanoTime() - startNanos) / interval.toNanos();
      assertThat(added).as("channels added after %s intervals", intervals).isLessThanOrEqualTo(step * intervals);
      assertThat(pool.size()).isLessThanOrEqualTo(8);
      return pool.size() == 8;
    });
    assertThat(pool.stats().sizing().target()).as("1000 calls / 50 per channel, capped").isEqualTo(8);
    assertThat(pool.stats().sizing().grownAboveBand()).isEqualTo(4);

    backend.releaseHeld();
    await().atMost(LONG_WAIT).until(() -> burst.stream().allMatch(PoolTestSupport.Outcome::done));
    assertThat(burst).allMatch(o -> o.completed && o.error.get() == null);
    await().atMost(LONG_WAIT).until(() -> pool.size() == 1);
    assertThat(pool.stats().sizing().shrunkBelowBand()).isEqualTo(4);
    assertThat(pool.stats().callsOk()).isEqualTo(1000);
  }

  @Test
  void callsWaitingForABackendThatIsDown_doNotGrowThePool() throws Exception {
    Duration interval = Duration.ofMillis(100);
    ChannelPool pool = support.pool(inProcessConfig(targets(support.inProcessBackends(1))).minSize(1).maxSize(4)
        .resizeInterval(interval).channelBuilderFactory(deadFor(0)));
    // Wait-for-ready calls stay in flight on the one channel, which never connects: 200 calls, 4 x the band's top.
    SimpleServiceGrpc.SimpleServiceStub async = SimpleServiceGrpc.newStub(pool).withWaitForReady();
    for (int i = 0; i < 200; i++) {
      async.unaryRpc(request(""), new PoolTestSupport.Outcome());
    }

    await().atMost(LONG_WAIT).until(() -> pool.stats().sizing().target() == 4);
    await("no growth over 10 decisions").during(interval.multipliedBy(10)).atMost(LONG_WAIT)
        .until(() -> pool.size() == 1);
    assertThat(pool.current(0).state()).isNotEqualTo(ConnectivityState.READY);
    assertThat(pool.stats().sizing().resizesUp()).isZero();
    assertThat(pool.stats().inFlight()).isEqualTo(200);
  }

  @Test
  void fixedSizePool_neverResizes_andReportsItsSizeAsTarget() throws Exception {
    ChannelPool pool = support.pool(inProcessConfig(targets(support.inProcessBackends(1))).size(3));

    assertThat(pool.stats().sizing()).isEqualTo(new PoolStats.Sizing(3, 3, 3, 0, 0, 0, 0, 0));
    assertThat(pool.maintenance().resizer().grow(1, ResizeReason.ABOVE_BAND)).isZero();
    assertThat(pool.maintenance().resizer().shrink(1)).isZero();
  }

  @ParameterizedTest(name = "size {0}, {1} in flight, queuing {2} -> {3}")
  @CsvSource({
      // Band 10..50 per channel, sizes 1..16, step 4.
      "1, 5, false, 1",     // below the band at minSize: stays
      "4, 100, false, 4",   // 25 per channel, inside the band
      "2, 200, false, 4",   // 100 per channel: the fewest channels that keep it at 50
      "1, 2000, false, 16", // capped at maxSize
      "10, 50, false, 5",   // 5 per channel: the most channels that keep it at 10
      "10, 0, false, 1",    // idle: minSize
      "3, 90, true, 7",     // queued at 30 per channel, inside the band: one step up
      "3, 60, true, 6",     // queued at 20 per channel: no further than 10 per channel
      "14, 200, true, 16",  // queued: one step up, capped at maxSize
      "3, 400, true, 8",    // queued and far above the band: enough for the band
      "4, 20, true, 2",     // waits at 5 per channel are not a full connection: below the band, shrinks
  })
  void wantedSize_keepsCallsPerChannelInTheBand_andStepsUpOnQueuing(int size, double load, boolean queuing,
      int wanted) {
    PoolConfig config = PoolConfig.builder("t").minSize(1).maxSize(16).maxResizeStep(4).build();

    assertThat(PoolResizer.wantedSize(size, load, queuing, config)).isEqualTo(wanted);
  }

  @ParameterizedTest(name = "{0} of {1} calls waited -> queuing {2}")
  @CsvSource({"0, 100, false", "2, 2, false", "3, 30, true", "3, 31, false", "90, 100, true"})
  void queuing_needsAFewCallsAndOneInTenToHaveWaited(long queued, long streams, boolean expected) {
    assertThat(PoolResizer.isQueuing(queued, streams)).isEqualTo(expected);
  }
}
