package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.LONG_WAIT;
import static dev.grpcpool.core.PoolTestSupport.awaitAllReady;
import static dev.grpcpool.core.PoolTestSupport.request;
import static dev.grpcpool.core.PoolTestSupport.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ConnectivityState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Integration tests of {@link ChannelPool} over real Netty connections to backends on 127.0.0.1, with the
 * default channel builder ({@code Grpc.newChannelBuilder}).
 */
class ChannelPoolNettyTest {

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void stoppedBackend_healthyFirstMovesOffWithinOneInterval_roundRobinKeepsSending_restartRecovers()
      throws Exception {
    List<PoolTestBackend> backends = support.nettyBackends(3);
    Duration interval = Duration.ofSeconds(5);
    ChannelPool healthyFirst = support.pool(PoolConfig.builder(targets(backends))
        .size(3).pickStrategy(PickStrategy.HEALTHY_FIRST).healthCheckInterval(interval));
    ChannelPool roundRobin = support.pool(PoolConfig.builder(targets(backends))
        .size(3).pickStrategy(PickStrategy.ROUND_ROBIN).healthCheckInterval(interval));
    awaitAllReady(healthyFirst);
    awaitAllReady(roundRobin);
    SimpleServiceGrpc.SimpleServiceBlockingStub hf = SimpleServiceGrpc.newBlockingStub(healthyFirst);
    SimpleServiceGrpc.SimpleServiceBlockingStub rr = SimpleServiceGrpc.newBlockingStub(roundRobin);
    for (int i = 0; i < 30; i++) {
      hf.unaryRpc(request(""));
    }
    PoolTestBackend down = backends.get(1);
    assertThat(down.unaryCalls()).as("traffic before the stop").isPositive();

    down.stop();
    // Followed through notifyWhenStateChanged: the channel leaves READY long before the next health pass.
    await().atMost(interval).until(() -> {
      ConnectivityState s = healthyFirst.stats().channels().get(1).state();
      return s != ConnectivityState.READY && s != ConnectivityState.IDLE;
    });
    long hfPicksBefore = healthyFirst.stats().channels().get(1).picks();
    for (int i = 0; i < 30; i++) {
      hf.unaryRpc(request(""));
    }
    assertThat(healthyFirst.stats().channels().get(1).picks()).isEqualTo(hfPicksBefore);

    long rrPicksBefore = roundRobin.stats().channels().get(1).picks();
    int rrFailures = 0;
    for (int i = 0; i < 30; i++) {
      try {
        rr.unaryRpc(request(""));
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        rrFailures++;
      }
    }
    assertThat(roundRobin.stats().channels().get(1).picks() - rrPicksBefore).isEqualTo(10);
    assertThat(rrFailures).isEqualTo(10);

    int servedBeforeRestart = down.unaryCalls();
    down.restart();
    await().atMost(LONG_WAIT).until(() -> healthyFirst.stats().channels().get(1).state() == ConnectivityState.READY
        && roundRobin.stats().channels().get(1).state() == ConnectivityState.READY);
    for (int i = 0; i < 30; i++) {
      hf.unaryRpc(request(""));
    }
    assertThat(down.unaryCalls()).as("traffic after the restart").isGreaterThan(servedBeforeRestart);
    assertThat(healthyFirst.stats().reconnects()).as("recovered without replacing the channel").isZero();
  }

  @Test
  void maxInboundMessageSize_appliesToEveryChannel_replacementsIncluded() throws Exception {
    List<PoolTestBackend> backends = support.nettyBackends(1);
    ChannelPool pool = support.pool(PoolConfig.builder(backends.get(0).target()).size(3)
        .maxInboundMessageSize(1024));
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);
    assertThat(pool.maintenance().replace(pool.current(0), "test")).isTrue();

    // Round robin over 3 channels with 2 calls per round: each channel serves 2 small and 2 large replies.
    for (int i = 0; i < 6; i++) {
      assertThat(stub.unaryRpc(request("size:500")).getResponseMessage()).hasSize(500);
      assertThatThrownBy(() -> stub.unaryRpc(request("size:2000")))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }
    assertThat(pool.stats().channels()).allMatch(c -> c.callsOk() == 2 && c.callsFailed() == 2);
  }

  @Test
  void staticTarget_spreadsOneChannelOverTheFleet_withRoundRobin_andSticksWithPickFirst() throws Exception {
    List<PoolTestBackend> backends = support.nettyBackends(2);
    String target = "static:///" + String.join(",", targets(backends));
    ChannelPool spread = support.pool(PoolConfig.builder(target).size(1));
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(spread);
    await().atMost(LONG_WAIT).until(() -> {
      stub.unaryRpc(request(""));
      return backends.get(0).unaryCalls() > 0 && backends.get(1).unaryCalls() > 0;
    });
    int before0 = backends.get(0).unaryCalls();
    int before1 = backends.get(1).unaryCalls();

    for (int i = 0; i < 20; i++) {
      stub.unaryRpc(request(""));
    }
    assertThat(backends.get(0).unaryCalls() - before0).isEqualTo(10);
    assertThat(backends.get(1).unaryCalls() - before1).isEqualTo(10);
    assertThat(spread.authority()).isEqualTo(targets(backends).get(0));

    ChannelPool sticky = support.pool(PoolConfig.builder(target).size(1).loadBalancingPolicy("pick_first"));
    SimpleServiceGrpc.SimpleServiceBlockingStub stickyStub = SimpleServiceGrpc.newBlockingStub(sticky);
    int total0 = backends.get(0).unaryCalls();
    int total1 = backends.get(1).unaryCalls();
    for (int i = 0; i < 20; i++) {
      stickyStub.unaryRpc(request(""));
    }
    int delta0 = backends.get(0).unaryCalls() - total0;
    int delta1 = backends.get(1).unaryCalls() - total1;
    assertThat(List.of(delta0, delta1)).containsExactlyInAnyOrder(0, 20);
  }
}
