package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.grpcpool.bench.cli.DurationConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link LoadGenerator}: rate, coordinated-omission correction, caps, closed loop and stop. */
class LoadGeneratorTest {

  private InProcessFleet fleet;
  private FaultInjector injector;

  @AfterEach
  void tearDown() throws Exception {
    if (injector != null) {
      injector.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void openLoop_hitsRateWithinTwoPercent_onInProcessFleet() throws Exception {
    fleet = new InProcessFleet(1);
    LoadSpec spec = LoadSpec.openLoop(500).duration(Duration.ofSeconds(2)).build();

    LoadResult r = LoadGenerator.run(fleet.channel(0), spec);

    assertThat(r.achievedRate()).isCloseTo(500, org.assertj.core.data.Percentage.withPercentage(2));
    assertThat(r.intended()).isEqualTo(1000);
    assertThat(r.sent()).isEqualTo(r.intended());
    assertThat(r.missed()).isZero();
    assertThat(r.ok()).isEqualTo(r.sent());
    assertThat(fleet.fleet.callsServed()).isEqualTo(r.sent());
    assertThat(r.corrected().getTotalCount()).isEqualTo(r.sent());
    assertThat(r.intervals()).hasSize(2);
    assertThat(r.intervals().stream().mapToLong(IntervalSample::sent).sum()).isEqualTo(r.sent());
  }

  @Test
  void plannedStall_showsInCorrectedP99_hidesInUncorrected() throws Exception {
    fleet = new InProcessFleet(1);
    // One call in flight at most: while the server stalls, every scheduled call waits behind the slow one.
    // Every backend slowed by 500 ms for 2 s, then 1.5 s to catch up on the backlog.
    LoadSpec spec = LoadSpec.openLoop(400).concurrency(1).duration(Duration.ofSeconds(4)).build();
    FaultSchedule stall = FaultSchedule.parse("slow:*=500ms@500ms,slow:*=0ms@2500ms", DurationConverter::parse);
    injector = new FaultInjector(fleet.fleet, stall, line -> { });

    LoadResult r = LoadGenerator.start(fleet.channel(0), spec, new LoadGenerator.Listener() {
      @Override
      public void measuring(long nanoTime) {
        injector.start(nanoTime);
      }
    }).await();

    assertThat(injector.applied()).hasSize(2);
    // The few calls that met the stall took >= 500 ms from their send: the stall is recorded...
    assertThat(r.uncorrected().getMaxValue()).isGreaterThanOrEqualTo(500_000);
    // ...but only about five of them could be sent, far fewer than 1 % of the calls: the service-time p99
    // does not show the stall,
    assertThat(r.sent()).isGreaterThan(1000);
    assertThat(LoadRecorder.millis(r.uncorrected(), 99)).isLessThan(400);
    // while some 800 calls were scheduled during the stall and waited for it: the corrected p99 shows it.
    assertThat(LoadRecorder.millis(r.corrected(), 99)).isGreaterThanOrEqualTo(1000);
    assertThat(r.late()).isGreaterThan(400);
  }

  @Test
  void openLoopWithCap_neverHasMoreCallsInFlightThanTheCap() throws Exception {
    fleet = new InProcessFleet(1);
    // 2 in flight x 5 ms each allows at most 400 calls/s: the schedule of 1000/s must fall behind.
    LoadSpec spec = LoadSpec.openLoop(1000).concurrency(2).ioMicros(5000).duration(Duration.ofSeconds(1)).build();

    LoadResult r = LoadGenerator.run(fleet.channel(0), spec);

    assertThat(fleet.fleet.backend(0).maxActiveCalls()).isLessThanOrEqualTo(2);
    assertThat(r.intended()).isEqualTo(1000);
    assertThat(r.sent()).isLessThan(r.intended() * 3 / 5);
    assertThat(r.missed()).isEqualTo(r.intended() - r.sent());
    assertThat(r.late()).isGreaterThan(0);
  }

  @Test
  void closedLoop_keepsExactlyConcurrencyCallsInFlight() throws Exception {
    fleet = new InProcessFleet(1);
    LoadSpec spec = LoadSpec.closedLoop(4).ioMicros(2000).duration(Duration.ofSeconds(1)).build();

    LoadResult r = LoadGenerator.run(fleet.channel(0), spec);

    assertThat(fleet.fleet.backend(0).maxActiveCalls()).isEqualTo(4);
    // 4 callers x (at least 2 ms per call) cannot exceed 2000 calls/s.
    assertThat(r.achievedRate()).isGreaterThan(0).isLessThanOrEqualTo(2000);
    assertThat(r.ok()).isEqualTo(r.sent());
    assertThat(r.uncorrected().getValueAtPercentile(50)).isGreaterThanOrEqualTo(2000);
  }

  @Test
  void closedLoop_onDirectInProcessServer_doesNotRecurse() throws Exception {
    fleet = new InProcessFleet(1);
    LoadSpec spec = LoadSpec.closedLoop(1).duration(Duration.ofMillis(1500)).build();

    LoadResult r = LoadGenerator.run(fleet.channel(0), spec);

    assertThat(r.ok()).isGreaterThan(100).isEqualTo(r.sent());
  }

  @Test
  void stop_midRun_returnsWhatWasMeasuredMarkedInterrupted() throws Exception {
    fleet = new InProcessFleet(2);
    LoadSpec spec = LoadSpec.openLoop(200).duration(Duration.ofSeconds(60)).build();
    AtomicReference<IntervalSample> first = new AtomicReference<>();
    LoadGenerator g = LoadGenerator.start(fleet.channel(1), spec, new LoadGenerator.Listener() {
      @Override
      public void interval(IntervalSample sample, LoadGenerator generator) {
        first.compareAndSet(null, sample);
      }
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> first.get() != null);

    g.stop();
    LoadResult r = g.await(Duration.ofSeconds(20));

    assertThat(r.interrupted()).isTrue();
    assertThat(r.measuredNanos()).isLessThan(Duration.ofSeconds(30).toNanos());
    assertThat(r.sent()).isGreaterThanOrEqualTo(first.get().sent()).isGreaterThan(0);
    assertThat(r.ok() + r.failed() + r.unfinished()).isEqualTo(r.sent());
    assertThat(r.intervals().size()).isGreaterThanOrEqualTo(2);
    assertThat(r.backends()).containsOnlyKeys(fleet.fleet.backend(1).backendId());
  }

  @Test
  void generatorsSharingAStart_measureTheSameWindow_andTogetherSendTheWholeRate() throws Exception {
    fleet = new InProcessFleet(1);
    Instant start = Instant.now().plusMillis(1500);
    List<LoadGenerator> generators = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // Each sends its third of 600 calls/s; the schedule's calls 0, 3, 6 ... go to the first, 1, 4, 7 ... to the next.
      LoadSpec share = LoadSpec.openLoop(200).generator(i, 3).startAt(start).warmup(Duration.ofMillis(500))
          .duration(Duration.ofSeconds(2)).build();
      generators.add(LoadGenerator.start(fleet.channel(0), share));
    }
    List<LoadResult> results = new ArrayList<>();
    for (LoadGenerator g : generators) {
      results.add(g.await());
    }

    long measuredFrom = start.plusMillis(500).toEpochMilli();
    long intended = 0;
    long sent = 0;
    for (LoadResult r : results) {
      assertThat(r.startEpochMillis()).as("measured window's start").isBetween(measuredFrom - 50, measuredFrom + 50);
      intended += r.intended();
      sent += r.sent();
      // Before the start each read the backend's clock, which here is its own: the offset is within the error bound.
      assertThat(r.clocks()).singleElement().satisfies(o -> {
        assertThat(o.backend()).isEqualTo(fleet.fleet.backend(0).backendId());
        assertThat(Math.abs(o.offsetMicros())).isLessThanOrEqualTo(o.roundTripMicros() / 2 + 1);
      });
    }
    assertThat(intended).as("the three shares' schedules together").isEqualTo(1200);
    // A generator on a busy machine may send a call at the window's very end too late: it is counted, not lost.
    assertThat(sent).as("sent by the three together").isBetween(1188L, 1200L);
  }

  @Test
  void stopWhileWaitingForTheStart_endsAtOnce_withNothingMeasured() throws Exception {
    fleet = new InProcessFleet(1);
    LoadSpec spec = LoadSpec.openLoop(100).startAt(Instant.now().plusSeconds(600)).warmup(Duration.ofSeconds(1))
        .duration(Duration.ofSeconds(2)).build();
    LoadGenerator g = LoadGenerator.start(fleet.channel(0), spec);

    g.stop();
    LoadResult r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> g.await());

    assertThat(r.interrupted()).isTrue();
    assertThat(r.sent()).isZero();
  }
}
