package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.LONG_WAIT;
import static dev.grpcpool.core.PoolTestSupport.awaitAllReady;
import static dev.grpcpool.core.PoolTestSupport.inProcessConfig;
import static dev.grpcpool.core.PoolTestSupport.request;
import static dev.grpcpool.core.PoolTestSupport.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.Metadata;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ChannelPool} as a {@link io.grpc.ManagedChannel}: what a plain channel does, the pool does too where a
 * pool can — state, state watching, backoff reset, idling, argument checks, close — against in-process backends.
 */
class ChannelPoolManagedChannelTest {

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void getState_isReadyWhenAnyChannelIs_transientFailureWhenNoneCanConnect_shutdownAfterShutdown()
      throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool mixed = support.pool(inProcessConfig(
        List.of(backends.get(0).target(), PoolTestBackend.unusedInProcessName())));
    ChannelPool dead = support.pool(inProcessConfig(
        List.of(PoolTestBackend.unusedInProcessName(), PoolTestBackend.unusedInProcessName())));

    await().atMost(LONG_WAIT).until(() -> mixed.getState(false) == ConnectivityState.READY);
    await().atMost(LONG_WAIT).until(() -> dead.stats().transientFailure() == 2);
    assertThat(dead.getState(false)).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);

    mixed.shutdown();
    assertThat(mixed.getState(false)).isEqualTo(ConnectivityState.SHUTDOWN);
  }

  @Test
  void notifyWhenStateChanged_firesOnceWhenThePoolStateLeavesSource() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).size(2));
    awaitAllReady(pool);
    await().atMost(LONG_WAIT).until(() -> pool.getState(false) == ConnectivityState.READY);
    List<ConnectivityState> seen = new CopyOnWriteArrayList<>();
    pool.notifyWhenStateChanged(ConnectivityState.READY, () -> seen.add(pool.getState(false)));
    assertThat(seen).as("nothing changed yet").isEmpty();

    pool.enterIdle();

    await().atMost(LONG_WAIT).until(() -> !seen.isEmpty());
    assertThat(seen).hasSize(1).doesNotContain(ConnectivityState.READY);
    pool.shutdown();
    assertThat(seen).as("a watcher fires once").hasSize(1);
  }

  @Test
  void notifyWhenStateChanged_firesAtOnceWhenAlreadyElsewhere_andOnShutdown() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    awaitAllReady(pool);
    await().atMost(LONG_WAIT).until(() -> pool.getState(false) == ConnectivityState.READY);
    List<String> fired = new CopyOnWriteArrayList<>();

    pool.notifyWhenStateChanged(ConnectivityState.IDLE, () -> fired.add("at once"));
    assertThat(fired).containsExactly("at once");

    pool.notifyWhenStateChanged(ConnectivityState.READY, () -> fired.add("shutdown:" + pool.getState(false)));
    pool.shutdown();
    assertThat(fired).containsExactly("at once", "shutdown:SHUTDOWN");
    assertThatThrownBy(() -> pool.notifyWhenStateChanged(ConnectivityState.READY, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void enterIdle_idlesEveryChannel_andTheNextCallReconnects() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).size(3));
    awaitAllReady(pool);

    pool.enterIdle();

    await().atMost(LONG_WAIT).until(() -> pool.stats().idle() == 3);
    assertThat(pool.getState(false)).isEqualTo(ConnectivityState.IDLE);
    assertThat(SimpleServiceGrpc.newBlockingStub(pool).unaryRpc(request("x")).getResponseMessage())
        .isEqualTo("b0");
    await().atMost(LONG_WAIT).until(() -> pool.getState(false) == ConnectivityState.READY);
  }

  /**
   * gRPC waits about 1, 1.6, 2.56 s (±20 %) between connection attempts to an address that fails. Three
   * seconds after the channels first failed, their next attempt is at least 0.9 s away; a reset that reaches
   * every channel makes all of them connect at once, well inside that.
   */
  @Test
  void resetConnectBackoff_reachesEveryChannel() throws Exception {
    String name = PoolTestBackend.unusedInProcessName();
    ChannelPool pool = support.pool(inProcessConfig(List.of(name)).size(3)
        .healthCheckInterval(Duration.ofMinutes(10)));
    await().atMost(LONG_WAIT).until(() -> pool.stats().transientFailure() == 3);
    TimeUnit.MILLISECONDS.sleep(3_200);
    support.register(PoolTestBackend.inProcess("late", name));

    pool.resetConnectBackoff();

    await().atMost(Duration.ofMillis(800)).until(() -> pool.stats().ready() == 3);
  }

  @Test
  void start_withNullListenerOrHeaders_isRejectedAtOnce_likeAPlainChannelsCall() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    ClientCall<SimpleRequest, SimpleResponse> call =
        pool.newCall(SimpleServiceGrpc.getUnaryRpcMethod(), CallOptions.DEFAULT);

    assertThatThrownBy(() -> call.start(null, new Metadata())).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> call.start(new ClientCall.Listener<>() {}, null))
        .isInstanceOf(NullPointerException.class);
    call.cancel("not needed", null);

    assertThat(pool.stats().inFlight()).isZero();
    assertThat(pool.stats().callsFailed()).isEqualTo(1);
  }

  @Test
  void callsCreatedAndDropped_withoutStartOrCancel_areReleasedOnceUnreachable() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).size(4)
        .pickStrategy(PickStrategy.LEAST_IN_FLIGHT));
    // Held until counted: a collection in between (other tests' garbage) would release some of them already.
    List<ClientCall<SimpleRequest, SimpleResponse>> dropped = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      dropped.add(pool.newCall(SimpleServiceGrpc.getUnaryRpcMethod(), CallOptions.DEFAULT));
    }
    assertThat(pool.stats().inFlight()).as("counted from the pick").isEqualTo(100);
    dropped.clear();

    await().atMost(LONG_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      System.gc();
      return pool.stats().inFlight() == 0;
    });

    PoolStats stats = pool.stats();
    assertThat(stats.callsAbandoned()).isEqualTo(100);
    assertThat(stats.callsOk() + stats.callsFailed()).isZero();
    assertThat(pool.current(0).unstarted()).isZero();
    // A replaced channel is no longer held back by them.
    PooledChannel old = pool.current(0);
    assertThat(pool.maintenance().replace(old, "test")).isTrue();
    await().atMost(LONG_WAIT).until(old.channel::isTerminated);
  }

  @Test
  void close_onAnInterruptedThread_stillTerminatesThePool_andKeepsTheInterrupt() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = ChannelPool.create(inProcessConfig(targets(backends)).size(3).build());
    SimpleServiceGrpc.newBlockingStub(pool).unaryRpc(request(""));

    Thread.currentThread().interrupt();
    try {
      pool.close();
      assertThat(Thread.currentThread().isInterrupted()).as("interrupt preserved").isTrue();
    } finally {
      Thread.interrupted();
    }

    assertThat(pool.isTerminated()).isTrue();
  }

  @Test
  void get_returnsACountedViewOfOneSlot_whoseCallsStayOnThatSlot() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(3);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    pool.setRoundRobinPosition(0);
    Channel view = pool.get();
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(view);

    for (int i = 0; i < 5; i++) {
      assertThat(stub.unaryRpc(request("")).getResponseMessage()).isEqualTo("b1");
    }

    PoolStats stats = pool.stats();
    assertThat(stats.channels()).extracting(PoolStats.ChannelStats::picks).containsExactly(0L, 5L, 0L);
    assertThat(stats.picks()).isEqualTo(5);
    assertThat(stats.callsOk()).isEqualTo(5);
    assertThat(view).isNotInstanceOf(io.grpc.ManagedChannel.class);
    // After the slot's channel is replaced, the view follows the slot.
    assertThat(pool.maintenance().replace(pool.current(1), "test")).isTrue();
    assertThat(stub.unaryRpc(request("")).getResponseMessage()).isEqualTo("b1");
    assertThat(pool.stats().channels().get(1).replacements()).isEqualTo(1);
  }
}
