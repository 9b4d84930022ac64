package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.LONG_WAIT;
import static dev.grpcpool.core.PoolTestSupport.awaitAllReady;
import static dev.grpcpool.core.PoolTestSupport.inProcessConfig;
import static dev.grpcpool.core.PoolTestSupport.request;
import static dev.grpcpool.core.PoolTestSupport.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link HealthChecker} as {@link ChannelPool} uses it, against in-process backends. */
class ChannelPoolHealthTest {

  private static final String SERVICE = SimpleServiceGrpc.SERVICE_NAME;

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void backendAnsweringNotServing_isSkippedByHealthyFirst_untilItServesAgain() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(3);
    backends.forEach(b -> b.setServing(SERVICE, true));
    PoolTestBackend sick = backends.get(1);
    sick.setServing(SERVICE, false);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).pickStrategy(PickStrategy.HEALTHY_FIRST)
        .healthServiceName(SERVICE).healthCheckInterval(Duration.ofMillis(200))
        .healthCheckTimeout(Duration.ofSeconds(10)));
    awaitAllReady(pool);
    await().atMost(LONG_WAIT).until(() -> pool.stats().healthy() == 2 && pool.stats().unhealthy() == 1);
    assertThat(pool.stats().channels().get(1).health()).isEqualTo(PoolStats.Health.UNHEALTHY);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);

    for (int i = 0; i < 60; i++) {
      stub.unaryRpc(request(""));
    }
    assertThat(sick.unaryCalls()).isZero();
    assertThat(backends.get(0).unaryCalls()).isPositive();
    assertThat(backends.get(2).unaryCalls()).isPositive();

    sick.setServing(SERVICE, true);
    await().atMost(LONG_WAIT).until(() -> pool.stats().healthy() == 3);
    for (int i = 0; i < 60; i++) {
      stub.unaryRpc(request(""));
    }
    assertThat(sick.unaryCalls()).isPositive();
    assertThat(pool.stats().noHealthyFallbacks()).isZero();
  }

  @Test
  void serviceTheServerDoesNotKnow_countsAsUnhealthy() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).healthServiceName("no.such.Service")
        .healthCheckInterval(Duration.ofMillis(200)).healthCheckTimeout(Duration.ofSeconds(10)));

    await().atMost(LONG_WAIT).until(() -> pool.stats().unhealthy() == 1);
    assertThat(pool.stats().channels().get(0).state()).isEqualTo(io.grpc.ConnectivityState.READY);
  }

  @Test
  void emptyServiceName_checksTheWholeServer() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(2);
    backends.get(0).setServing("", false);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).healthServiceName("")
        .healthCheckInterval(Duration.ofMillis(200)).healthCheckTimeout(Duration.ofSeconds(10)));

    await().atMost(LONG_WAIT).until(() -> pool.stats().unhealthy() == 1 && pool.stats().healthy() == 1);
    assertThat(pool.stats().channels().get(0).health()).isEqualTo(PoolStats.Health.UNHEALTHY);
  }

  @Test
  void withoutHealthService_healthFollowsConnectivity_andHealthyFirstAvoidsTheFailingChannel() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(List.of(PoolTestBackend.unusedInProcessName(),
        backends.get(0).target())).pickStrategy(PickStrategy.HEALTHY_FIRST));
    await().atMost(LONG_WAIT).until(() -> pool.stats().healthy() == 1 && pool.stats().unhealthy() == 1);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);

    for (int i = 0; i < 20; i++) {
      stub.unaryRpc(request(""));
    }

    assertThat(backends.get(0).unaryCalls()).isEqualTo(20);
    PoolStats stats = pool.stats();
    assertThat(stats.channels().get(0).picks()).isZero();
    assertThat(stats.channels().get(0).health()).isEqualTo(PoolStats.Health.UNHEALTHY);
    assertThat(stats.transientFailure()).isEqualTo(1);
    assertThat(stats.noHealthyFallbacks()).isZero();
  }
}
