package dev.grpcpool.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.WorkProfile;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault scenarios set by the server's connection limits: connections closed every second or so by max
 * connection age (GOAWAY), and a cap on concurrent calls per connection. Measurements go to the
 * {@link FaultTable}.
 */
class ConnectionLimitFaultTest {

  private static final int GOAWAY_CALLS = 2_400;

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  /**
   * Promise: when the server closes each connection after about a second (GOAWAY, with a grace longer than any
   * call), no call fails: calls running on the old connection finish within the grace, and new calls go to a
   * new connection. Connection attempts show the GOAWAYs really happened.
   */
  @Test
  void goAwayEverySecondUnderLoad_noCallAllowedToFinishFails() throws Exception {
    BenchFleet fleet = cleanup.add(BenchFleet.start(3, BenchServer.netty(0).work(WorkProfile.io(5_000))
        .maxConnectionAge(Duration.ofSeconds(1)).maxConnectionAgeGrace(Duration.ofSeconds(10))));
    for (boolean oneTarget : new boolean[] {false, true}) {
      CountingNettyChannels net = cleanup.add(new CountingNettyChannels());
      PoolConfig config = (oneTarget ? Scenario.oneTarget(fleet, net, PickStrategy.ROUND_ROBIN)
          : Scenario.perBackend(fleet, net, PickStrategy.ROUND_ROBIN)).build();
      try (ChannelPool pool = ChannelPool.create(config);
          Traffic traffic = Traffic.start(pool, Scenario.CALLERS, Scenario.RATE_PER_CALLER, Scenario.DEADLINE,
              Scenario.REQUEST)) {
        long begin = System.nanoTime();
        traffic.awaitMoreCalls(GOAWAY_CALLS);
        traffic.stop();
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin));
        long failed = traffic.count(begin, Long.MAX_VALUE, o -> !o.ok());
        int connections = net.attempts();
        int firstConnections = oneTarget ? pool.size() * fleet.size() : pool.size();
        FaultTable.row("GOAWAY: max connection age 1 s (grace 10 s), 5 ms calls, ~" + seconds + " s",
            oneTarget ? Scenario.oneTargetLabel(PickStrategy.ROUND_ROBIN)
                : Scenario.perBackendLabel(PickStrategy.ROUND_ROBIN),
            traffic.count(begin, Long.MAX_VALUE, o -> true), failed, "-",
            connections + " (" + firstConnections + " at start)", "no call fails");

        assertThat(failed).as("failed calls; first failures: %s",
            traffic.outcomes().stream().filter(o -> !o.ok()).limit(3).toList()).isZero();
        assertThat(connections).as("connections: GOAWAY must have made the channels reconnect")
            .isGreaterThan(firstConnections);
      }
    }
  }

  /**
   * Promise: when the server's cap on concurrent calls per connection is reached, further calls wait for a free
   * stream instead of failing: every call of a burst far above the cap completes, and the server never runs
   * more than cap × connections at once.
   */
  @Test
  void maxConcurrentCallsPerConnectionReached_callsQueue_noneIsLost() throws Exception {
    int cap = 5;
    int burst = 60;
    BenchServer server = cleanup.add(BenchServer.netty(0).maxConcurrentCallsPerConnection(cap)
        .work(WorkProfile.io(100_000)).start());
    CountingNettyChannels net = cleanup.add(new CountingNettyChannels());
    ChannelPool pool = cleanup.add(ChannelPool.create(PoolConfig.builder(server.target()).size(2)
        .pickStrategy(PickStrategy.ROUND_ROBIN).channelBuilderFactory(net.factory()).build()));
    EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(pool).withDeadlineAfter(60, TimeUnit.SECONDS);
    stub.unary(Scenario.REQUEST).get(60, TimeUnit.SECONDS);
    stub.unary(Scenario.REQUEST).get(60, TimeUnit.SECONDS);
    server.resetMaxActiveCalls();
    long servedBefore = server.callsServed();

    long start = System.nanoTime();
    List<ListenableFuture<EchoResponse>> calls = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      calls.add(stub.unary(Scenario.REQUEST));
    }
    List<EchoResponse> answers = Futures.successfulAsList(calls).get(60, TimeUnit.SECONDS);
    long took = System.nanoTime() - start;
    long answered = answers.stream().filter(a -> a != null).count();
    FaultTable.row("server caps 5 concurrent calls per connection; burst of 60 x 100 ms calls",
        "2 channels to one backend, ROUND_ROBIN", burst, burst - answered, "-", Integer.toString(net.attempts()),
        "calls queue (server ran at most " + server.maxActiveCalls() + " at once, burst took "
            + FaultTable.millis(0, took) + "); none lost");

    assertThat(answered).as("calls answered").isEqualTo(burst);
    assertThat(server.callsServed() - servedBefore).isEqualTo(burst);
    assertThat(server.maxActiveCalls()).isLessThanOrEqualTo(cap * pool.size()).isGreaterThanOrEqualTo(cap);
  }
}
