package dev.grpcpool.bench.load;

import dev.grpcpool.bench.load.call.CallTemplate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcpool.bench.cli.DurationConverter;
import dev.grpcpool.core.PickStrategy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A backend killed mid-run, seen through the timeline: with {@link PickStrategy#ROUND_ROBIN} over a per-backend pool
 * no call fails before the kill, then the dead backend's share fails; {@link PickStrategy#HEALTHY_FIRST} moves
 * traffic off the dead channel and fails far fewer calls.
 */
class KilledBackendTest {
  private static final int BACKENDS = 3;
  private static final int RATE = 300;

  private LoadTarget target;
  private LoadTarget.Connection connection;
  private FaultInjector injector;

  @AfterEach
  void tearDown() {
    if (injector != null) {
      injector.close();
    }
    if (connection != null) {
      connection.close();
    }
    if (target != null) {
      target.close();
    }
  }

  private LoadResult runWithKill(PickStrategy strategy) throws InterruptedException {
    tearDown();
    target = LoadTarget.embedded(LoadTarget.Transport.INPROCESS, BACKENDS, 0);
    connection = target.connect(Channels.pool(strategy), BACKENDS, null, Duration.ofSeconds(1));
    injector = new FaultInjector(target.fleet(), FaultSchedule.parse("kill:1@1500ms", DurationConverter::parse),
        line -> { });
    // A second of warm-up: the first calls of a JVM load classes and compile, and would be late on their own.
    LoadSpec spec = LoadSpec.openLoop(RATE).warmup(Duration.ofSeconds(1)).duration(Duration.ofSeconds(3))
        .deadline(Duration.ofSeconds(2)).build();
    CallTemplate calls = target.prepare(connection.channel(), spec, Duration.ofSeconds(5));
    LoadResult r = LoadGenerator.start(connection.channel(), spec, calls, new LoadGenerator.Listener() {
      @Override
      public void measuring(long nanoTime) {
        injector.start(nanoTime);
      }
    }).await();
    assertThat(injector.applied()).singleElement()
        .satisfies(e -> assertThat(e.error()).isNull());
    return r;
  }

  @Test
  void killedBackend_roundRobin_failsItsShareFromTheSecondOfTheKill() throws Exception {
    LoadResult r = runWithKill(PickStrategy.ROUND_ROBIN);

    // By the second each call was meant to start in.
    List<IntendedTimeline.Row> t = r.timeline();
    assertThat(t).hasSize(3);
    assertThat(t.get(0).failed()).as("failures before the kill").isZero();
    assertThat(t.get(0).ok()).isGreaterThan(RATE / 2);
    // Killed half-way through second 1: about a sixth of that second's calls fail...
    assertThat(share(t.get(1))).as("failed share in second 1").isBetween(0.05, 0.3);
    // ...and every third pick lands on the dead backend's channel in second 2: about a third fail.
    assertThat(share(t.get(2))).as("failed share in second 2").isBetween(0.2, 0.45);
    String dead = target.fleet().backend(1).backendId();
    assertThat(r.backends().get(dead).failed()).as("failures attributed to the killed backend")
        .isEqualTo(r.failed());
    assertThat(r.failedByStatus()).containsKey("UNAVAILABLE");
    assertThat(r.verdict().findings()).as("%s", r.verdict().lines()).extracting(RunVerdict.Finding::problem)
        .contains(RunVerdict.Problem.ERRORS).doesNotContain(RunVerdict.Problem.OVERLOADED);
    assertThat(r.verdict().exitCode()).isNotZero();
  }

  private static double share(IntendedTimeline.Row s) {
    return (double) s.failed() / (s.ok() + s.failed());
  }

  @Test
  void killedBackend_healthyFirst_failsFewerCallsThanRoundRobin() throws Exception {
    long roundRobinFailed = runWithKill(PickStrategy.ROUND_ROBIN).failed();

    LoadResult healthy = runWithKill(PickStrategy.HEALTHY_FIRST);

    assertThat(healthy.timeline().get(0).failed()).isZero();
    assertThat(healthy.failed()).isLessThan(roundRobinFailed / 2);
    assertThat(healthy.ok()).isGreaterThan(healthy.sent() * 9 / 10);
  }
}
