package dev.grpcpool.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.bench.reliability.Traffic.Outcome;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PoolStats;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.WorkProfile;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault scenarios where a backend stays up but should get less traffic: it reports NOT_SERVING on
 * grpc.health.v1, or it answers ten times slower than the others. Measurements go to the {@link FaultTable}.
 */
class DegradedBackendFaultTest {

  private static final int WARM_CALLS = 300;
  private static final int MEASURED_CALLS = 1_500;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  /**
   * Promise: with a health service name configured, HEALTHY_FIRST stops picking a backend once its check
   * answers NOT_SERVING (no call started after that reaches it) and picks it again after it reports SERVING;
   * no call fails either way, because NOT_SERVING is a request to drain, not a failure.
   */
  @Test
  void notServingThenServing_withHealthServiceName_trafficLeavesAndReturns() throws Exception {
    BenchFleet fleet = Scenario.fleet(cleanup);
    CountingNettyChannels net = cleanup.add(new CountingNettyChannels());
    ChannelPool pool = cleanup.add(ChannelPool.create(Scenario.perBackend(fleet, net, PickStrategy.HEALTHY_FIRST)
        .healthServiceName(BenchServer.ECHO_SERVICE).build()));
    Traffic traffic = cleanup.add(start(pool));
    long begin = System.nanoTime();
    traffic.awaitMoreCalls(WARM_CALLS);
    traffic.awaitAnsweredBy(begin, List.of("backend-0", "backend-1", "backend-2"));

    long notServing = System.nanoTime();
    fleet.setServing(1, false);
    await().atMost(WAIT).until(() -> pool.stats().channels().get(1).health() == PoolStats.Health.UNHEALTHY);
    long drained = System.nanoTime();
    traffic.awaitMoreCalls(MEASURED_CALLS);
    long serving = System.nanoTime();
    fleet.setServing(1, true);
    Outcome back = traffic.awaitFirst(serving, o -> o.ok() && "backend-1".equals(o.backend));
    traffic.awaitMoreCalls(WARM_CALLS);
    traffic.stop();

    long toDrained = traffic.count(drained, serving, o -> "backend-1".equals(o.backend));
    FaultTable.row("1 of 3 backends NOT_SERVING, then SERVING", Scenario.perBackendLabel(PickStrategy.HEALTHY_FIRST)
            + ", health service " + BenchServer.ECHO_SERVICE, traffic.count(begin, Long.MAX_VALUE, o -> true),
        traffic.count(begin, Long.MAX_VALUE, o -> !o.ok()), FaultTable.millis(serving, back.endNanos), "-",
        "skipped " + FaultTable.millis(notServing, drained) + " after NOT_SERVING (0 calls to it after); "
            + "picked again after SERVING; no call fails");

    assertThat(toDrained).as("calls to the NOT_SERVING backend after its check said so").isZero();
    assertThat(traffic.count(begin, Long.MAX_VALUE, o -> !o.ok())).as("failed calls").isZero();
  }

  /**
   * Promise (documented): without a health service name the pool follows connectivity only, so a backend
   * reporting NOT_SERVING on an open connection keeps its share of the traffic, and the pool keeps it HEALTHY.
   */
  @Test
  void notServing_withoutHealthServiceName_isIgnoredByDesign() throws Exception {
    BenchFleet fleet = Scenario.fleet(cleanup);
    CountingNettyChannels net = cleanup.add(new CountingNettyChannels());
    ChannelPool pool = cleanup.add(ChannelPool.create(
        Scenario.perBackend(fleet, net, PickStrategy.HEALTHY_FIRST).build()));
    Traffic traffic = cleanup.add(start(pool));
    long begin = System.nanoTime();
    traffic.awaitMoreCalls(WARM_CALLS);

    fleet.setServing(1, false);
    long notServing = System.nanoTime();
    traffic.awaitMoreCalls(MEASURED_CALLS);
    long end = System.nanoTime();
    fleet.setServing(1, true);
    traffic.stop();

    double share = (double) traffic.count(notServing, end, o -> "backend-1".equals(o.backend))
        / traffic.count(notServing, end, o -> true);
    FaultTable.row("1 of 3 backends NOT_SERVING, then SERVING", Scenario.perBackendLabel(PickStrategy.HEALTHY_FIRST)
            + ", no health service name", traffic.count(begin, Long.MAX_VALUE, o -> true),
        traffic.count(begin, Long.MAX_VALUE, o -> !o.ok()), "-", "-",
        String.format(Locale.ROOT, "ignored by design: it keeps %.0f%% of calls; no call fails", share * 100));

    assertThat(share).as("share of the NOT_SERVING backend").isGreaterThan(0.2);
    assertThat(pool.stats().channels().get(1).health()).isEqualTo(PoolStats.Health.HEALTHY);
    assertThat(traffic.count(begin, Long.MAX_VALUE, o -> !o.ok())).isZero();
  }

  /**
   * Promise: with one backend ten times slower (2 ms → 20 ms), LEAST_IN_FLIGHT and POWER_OF_TWO_CHOICES send it
   * a clearly smaller share of calls than ROUND_ROBIN does (at most three quarters of it).
   */
  @Test
  void tenTimesSlowerBackend_leastInFlightAndPowerOfTwo_shiftLoadAwayFromIt() throws Exception {
    BenchFleet fleet = cleanup.add(BenchFleet.start(3, BenchServer.netty(0).work(WorkProfile.io(2_000))));
    fleet.slowDown(1, Duration.ofMillis(18));
    Map<PickStrategy, Double> shares = new EnumMap<>(PickStrategy.class);
    for (PickStrategy strategy : List.of(PickStrategy.ROUND_ROBIN, PickStrategy.LEAST_IN_FLIGHT,
        PickStrategy.POWER_OF_TWO_CHOICES)) {
      CountingNettyChannels net = cleanup.add(new CountingNettyChannels());
      try (ChannelPool pool = ChannelPool.create(Scenario.perBackend(fleet, net, strategy).build());
          Traffic traffic = Traffic.start(pool, 12, 500, Scenario.DEADLINE, Scenario.REQUEST)) {
        traffic.awaitMoreCalls(WARM_CALLS);
        long from = System.nanoTime();
        traffic.awaitMoreCalls(MEASURED_CALLS);
        long to = System.nanoTime();
        traffic.stop();
        long calls = traffic.count(from, to, o -> true);
        double share = (double) traffic.count(from, to, o -> "backend-1".equals(o.backend)) / calls;
        shares.put(strategy, share);
        FaultTable.row("1 of 3 backends 10x slower (20 ms vs 2 ms)", Scenario.perBackendLabel(strategy)
                + ", 12 callers", calls, traffic.count(from, to, o -> !o.ok()), "-", "-",
            String.format(Locale.ROOT, "slow backend's share %.1f%%%s", share * 100,
                strategy == PickStrategy.ROUND_ROBIN ? " (reference)" : ", at most 3/4 of ROUND_ROBIN's"));
        assertThat(traffic.count(from, to, o -> !o.ok())).as("%s failures", strategy).isZero();
      }
    }

    double roundRobin = shares.get(PickStrategy.ROUND_ROBIN);
    assertThat(shares.get(PickStrategy.LEAST_IN_FLIGHT)).isLessThan(roundRobin * 0.75);
    assertThat(shares.get(PickStrategy.POWER_OF_TWO_CHOICES)).isLessThan(roundRobin * 0.75);
  }

  private static Traffic start(ChannelPool pool) {
    return Traffic.start(pool, Scenario.CALLERS, Scenario.RATE_PER_CALLER, Scenario.DEADLINE, Scenario.REQUEST);
  }
}
