package dev.grpcpool.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcpool.bench.reliability.Traffic.Outcome;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchFleet;
import io.grpc.Status;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault scenarios where backends go away under load: one of three killed and restarted on the same port (for
 * every pick strategy, per-backend pools and one {@code static:///} target), and the whole fleet down for a
 * while. Each test states the pool's promise, asserts it, and prints its measurements as a {@link FaultTable}
 * row.
 */
class BackendDownFaultTest {

  /** Calls per phase (at most 1,200 calls/s): warm-up, outage (about 1.5 s), and after recovery. */
  private static final int WARM_CALLS = 200;
  private static final int OUTAGE_CALLS = 1_800;
  private static final int TAIL_CALLS = 300;
  /**
   * How long after a kill a pool may still route a call to the dead backend: its connection must be seen to
   * close and the state callback to run. Half a second is far above the milliseconds this takes, so that only
   * a pool that ignores the state change fails the check.
   */
  private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  private static final class KillRun {
    long calls;
    long failed;
    long failedAfterSettle;
    long failedAfterBack;
    long backAfterNanos;
    int attempts;
  }

  /**
   * Promise: after a backend is restarted on its port, each pool finds it again by itself and sends it traffic,
   * and no call fails once it is back. HEALTHY_FIRST sends no call to the dead backend once its connection is
   * seen closed; LEAST_IN_FLIGHT and POWER_OF_TWO_CHOICES treat a failing channel as busy and so fail fewer
   * calls than ROUND_ROBIN, which keeps sending the dead channel its share.
   */
  @Test
  void oneOfThreeKilledAndRestarted_perBackendPools_everyStrategyRecovers() throws Exception {
    BenchFleet fleet = Scenario.fleet(cleanup);
    Map<PickStrategy, KillRun> runs = new EnumMap<>(PickStrategy.class);
    for (PickStrategy strategy : PickStrategy.values()) {
      CountingNettyChannels net = cleanup.add(new CountingNettyChannels());
      KillRun run = killAndRestart(fleet, net, Scenario.perBackend(fleet, net, strategy).build());
      runs.put(strategy, run);
      FaultTable.row("1 of 3 backends killed for ~1.5 s, restarted on its port", Scenario.perBackendLabel(strategy),
          run.calls, run.failed, FaultTable.millis(0, run.backAfterNanos), Integer.toString(run.attempts),
          strategy == PickStrategy.HEALTHY_FIRST ? "recovers; no call fails 0.5 s after the kill"
              : strategy == PickStrategy.ROUND_ROBIN ? "recovers; no call fails once it is back"
              : "recovers; fails fewer calls than ROUND_ROBIN");
    }

    for (PickStrategy strategy : PickStrategy.values()) {
      assertThat(runs.get(strategy).failedAfterBack).as("%s: failures after the backend was back", strategy)
          .isZero();
    }
    assertThat(runs.get(PickStrategy.HEALTHY_FIRST).failedAfterSettle)
        .as("HEALTHY_FIRST failures more than 0.5 s after the kill").isZero();
    long roundRobinFailed = runs.get(PickStrategy.ROUND_ROBIN).failed;
    assertThat(roundRobinFailed).as("ROUND_ROBIN keeps sending the dead channel its share").isPositive();
    assertThat(runs.get(PickStrategy.LEAST_IN_FLIGHT).failed).isLessThan(roundRobinFailed);
    assertThat(runs.get(PickStrategy.POWER_OF_TWO_CHOICES).failed).isLessThan(roundRobinFailed);
  }

  /**
   * Promise: with one {@code static:///} target and round_robin inside each channel, the channels themselves
   * stop using the dead address, so whatever the pool's strategy no call fails once the closed connection is
   * seen, and the restarted backend gets traffic again without help.
   */
  @Test
  void oneOfThreeKilledAndRestarted_oneStaticTarget_channelsBalanceAroundIt() throws Exception {
    BenchFleet fleet = Scenario.fleet(cleanup);
    for (PickStrategy strategy : PickStrategy.values()) {
      CountingNettyChannels net = cleanup.add(new CountingNettyChannels());
      KillRun run = killAndRestart(fleet, net, Scenario.oneTarget(fleet, net, strategy).build());
      FaultTable.row("1 of 3 backends killed for ~1.5 s, restarted on its port", Scenario.oneTargetLabel(strategy),
          run.calls, run.failed, FaultTable.millis(0, run.backAfterNanos), Integer.toString(run.attempts),
          "recovers; no call fails 0.5 s after the kill");

      assertThat(run.failedAfterSettle).as("%s: failures more than 0.5 s after the kill", strategy).isZero();
      assertThat(run.failedAfterBack).as("%s: failures after the backend was back", strategy).isZero();
    }
  }

  private KillRun killAndRestart(BenchFleet fleet, CountingNettyChannels net, PoolConfig config)
      throws Exception {
    String victim = fleet.backend(1).backendId();
    try (ChannelPool pool = ChannelPool.create(config);
        Traffic traffic = Traffic.start(pool, Scenario.CALLERS, Scenario.RATE_PER_CALLER, Scenario.DEADLINE,
            Scenario.REQUEST)) {
      long begin = System.nanoTime();
      traffic.awaitMoreCalls(WARM_CALLS);
      traffic.awaitAnsweredBy(begin, List.of("backend-0", "backend-1", "backend-2"));

      long killed = System.nanoTime();
      fleet.stop(1);
      traffic.awaitMoreCalls(OUTAGE_CALLS);
      fleet.restart(1);
      long restarted = System.nanoTime();
      Outcome back = traffic.awaitFirst(restarted, o -> o.ok() && victim.equals(o.backend));
      traffic.awaitMoreCalls(TAIL_CALLS);
      traffic.stop();

      KillRun run = new KillRun();
      run.calls = traffic.count(begin, Long.MAX_VALUE, o -> true);
      run.failed = traffic.count(begin, Long.MAX_VALUE, o -> !o.ok());
      run.failedAfterSettle = traffic.count(killed + SETTLE_NANOS, restarted, o -> !o.ok());
      run.failedAfterBack = traffic.count(back.endNanos, Long.MAX_VALUE, o -> !o.ok());
      run.backAfterNanos = back.endNanos - restarted;
      run.attempts = net.attempts();
      return run;
    }
  }

  /**
   * Promise: with the whole fleet down, calls fail fast with UNAVAILABLE (none waits for its deadline); the
   * pool does not churn its channels (no replacement while most channels fail) and dials at most about once
   * per channel per health pass; when the fleet returns the pool recovers by itself and no call fails after.
   */
  @Test
  void wholeFleetDown_callsFailFastWithUnavailable_andPoolRecoversWithoutReconnectStorm() throws Exception {
    BenchFleet fleet = Scenario.fleet(cleanup);
    CountingNettyChannels net = cleanup.add(new CountingNettyChannels());
    ChannelPool pool = cleanup.add(ChannelPool.create(
        Scenario.perBackend(fleet, net, PickStrategy.HEALTHY_FIRST).build()));
    Traffic traffic = cleanup.add(Traffic.start(pool, Scenario.CALLERS, Scenario.RATE_PER_CALLER,
        Scenario.DEADLINE, Scenario.REQUEST));
    long begin = System.nanoTime();
    traffic.awaitMoreCalls(WARM_CALLS);
    traffic.awaitAnsweredBy(begin, List.of("backend-0", "backend-1", "backend-2"));

    int attemptsBefore = net.attempts();
    long reconnectsBefore = pool.stats().reconnects();
    long down = System.nanoTime();
    for (int i = 0; i < fleet.size(); i++) {
      fleet.stop(i);
    }
    traffic.awaitMoreCalls(OUTAGE_CALLS);
    long up = System.nanoTime();
    int attemptsDuringOutage = net.attempts() - attemptsBefore;
    for (int i = 0; i < fleet.size(); i++) {
      fleet.restart(i);
    }
    long restarted = System.nanoTime();
    Outcome first = traffic.awaitFirst(restarted, Outcome::ok);
    traffic.awaitAnsweredBy(restarted, List.of("backend-0", "backend-1", "backend-2"));
    long allBack = System.nanoTime();
    traffic.awaitMoreCalls(TAIL_CALLS);
    traffic.stop();
    int attemptsToRecover = net.attempts() - attemptsBefore - attemptsDuringOutage;

    List<Outcome> outage = traffic.outcomes().stream()
        .filter(o -> o.startNanos >= down + SETTLE_NANOS && o.startNanos < up).toList();
    long outageNanos = up - down;
    long passes = (outageNanos + Scenario.HEALTH_INTERVAL.toNanos() - 1) / Scenario.HEALTH_INTERVAL.toNanos();
    // Per channel: one dial per health pass (the pass resets a failing channel's backoff so a returning
    // backend is found within an interval) plus gRPC's own backoff retries (1 s, then 1.6 s ...).
    long attemptBound = pool.size() * (passes + 3);
    FaultTable.row("whole fleet (3 backends) down for ~1.5 s, then back", Scenario.perBackendLabel(
            PickStrategy.HEALTHY_FIRST), traffic.count(begin, Long.MAX_VALUE, o -> true),
        traffic.count(begin, Long.MAX_VALUE, o -> !o.ok()), FaultTable.millis(restarted, first.endNanos),
        attemptsDuringOutage + " during outage (bound " + attemptBound + "), " + attemptsToRecover
            + " to recover",
        "fail fast with UNAVAILABLE (slowest " + TimeUnit.NANOSECONDS.toMillis(
            outage.stream().mapToLong(Outcome::latencyNanos).max().orElse(0))
            + " ms, deadline 2 s); no channel replaced; recovers by itself");

    assertThat(outage).as("calls during the outage").isNotEmpty()
        .allSatisfy(o -> {
          assertThat(o.status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(o.latencyNanos()).isLessThan(Scenario.DEADLINE.toNanos());
        });
    assertThat(traffic.outcomes()).allSatisfy(o ->
        assertThat(o.latencyNanos()).as("no call hangs past its deadline")
            .isLessThan(Scenario.DEADLINE.toNanos() + TimeUnit.SECONDS.toNanos(1)));
    assertThat(pool.stats().reconnects() - reconnectsBefore).as("channels replaced while the fleet was down")
        .isZero();
    assertThat((long) attemptsDuringOutage).isLessThanOrEqualTo(attemptBound);
    assertThat(attemptsToRecover).as("dials to recover").isLessThanOrEqualTo(pool.size() * 3);
    assertThat(traffic.count(allBack, Long.MAX_VALUE, o -> !o.ok())).as("failures after recovery").isZero();
  }
}
