package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.cli.DurationConverter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tests that a load run is judged honestly at its edges: a target that cannot keep up, a rate the generator cannot
 * send, every call failing, a stall, and that its counts add up in every one of them.
 */
class LoadVerdictTest {

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

  /** Every identity the summary promises. */
  private static void assertCountsAddUp(LoadResult r) {
    assertThat(r.ok() + r.failed() + r.unfinished()).as("sent = ok + failed + unfinished").isEqualTo(r.sent());
    assertThat(r.unfinished()).isNotNegative();
    if (r.spec().mode() == LoadSpec.Mode.OPEN_LOOP) {
      assertThat(r.sent() + r.missed()).as("intended = sent + missed").isEqualTo(r.intended());
      assertThat(r.missedByGenerator()).isBetween(0L, r.missed());
    }
    assertThat(r.failedByStatus().values().stream().mapToLong(LoadResult.StatusCount::count).sum())
        .as("failures by status").isEqualTo(r.failed());
    assertThat(r.channels().values().stream().mapToLong(GroupStats::sent).sum()).as("sent per channel")
        .isEqualTo(r.sent());
    assertThat(r.channels().values().stream().mapToLong(GroupStats::ok).sum()).isEqualTo(r.ok());
    assertThat(r.channels().values().stream().mapToLong(GroupStats::failed).sum()).isEqualTo(r.failed());
    assertThat(r.backends().values().stream().mapToLong(GroupStats::sent).sum()).as("sent per backend")
        .isEqualTo(r.sent());
    List<IntendedTimeline.Row> t = r.timeline();
    assertThat(t.stream().mapToLong(IntendedTimeline.Row::sent).sum()).as("sent per second").isEqualTo(r.sent());
    assertThat(t.stream().mapToLong(IntendedTimeline.Row::ok).sum()).isEqualTo(r.ok());
    assertThat(t.stream().mapToLong(IntendedTimeline.Row::failed).sum()).isEqualTo(r.failed());
    assertThat(r.intervals().stream().mapToLong(IntervalSample::ok).sum()).as("ok by completion").isEqualTo(r.ok());
    assertThat(r.intervals().stream().mapToLong(IntervalSample::failed).sum()).isEqualTo(r.failed());
    assertThat(r.corrected().getTotalCount()).isEqualTo(r.ok() + r.failed());
  }

  private static String summary(LoadResult r) {
    StringWriter text = new StringWriter();
    SummaryText.print(r, "test", new PrintWriter(text, true));
    return text.toString();
  }

  @Test
  void targetThatCannotKeepUp_verdictNamesOverload_countsAddUp() throws Exception {
    fleet = new InProcessFleet(1);
    // 10 calls in flight at most, each 20 ms at the server: at most 500 calls/s, and 1000/s are asked for.
    LoadSpec spec = LoadSpec.openLoop(1000).concurrency(10).ioMicros(20_000).duration(Duration.ofSeconds(2))
        .build();

    LoadResult r = LoadGenerator.run(fleet.channel(0), spec);

    assertThat(r.verdict().outcome()).as("%s", r.verdict().lines()).isEqualTo("OVERLOADED");
    assertThat(r.verdict().exitCode()).isEqualTo(4);
    assertThat(r.lateWaitingForSlot()).isGreaterThan(r.sent() / 2);
    assertThat(r.missed()).isPositive();
    assertThat(r.missedByGenerator()).isZero();
    assertThat(r.okRate()).isLessThan(600);
    assertCountsAddUp(r);
    assertThat(summary(r)).startsWith("Verdict: OVERLOADED (exit 4): the target did not keep up:")
        .contains("waited for one of the 10 slots");
  }

  @Test
  void rateTheGeneratorCannotSend_verdictNamesTheGenerator() throws Exception {
    fleet = new InProcessFleet(1);
    // Far beyond what one process can start (its ceiling against a do-nothing channel is some millions a second).
    LoadSpec spec = LoadSpec.openLoop(100_000_000).duration(Duration.ofSeconds(1)).build();

    LoadResult r = LoadGenerator.run(fleet.channel(0), spec);

    assertThat(r.verdict().findings()).as("%s", r.verdict().lines()).extracting(RunVerdict.Finding::problem)
        .contains(RunVerdict.Problem.GENERATOR_BEHIND);
    assertThat(r.verdict().exitCode()).isEqualTo(5);
    assertThat(r.missed()).isGreaterThan(r.intended() / 2);
    assertThat(r.ok()).isPositive();
    assertCountsAddUp(r);
    assertThat(summary(r)).contains("GENERATOR_BEHIND (exit 5): the generator could not keep its schedule");
  }

  @Test
  void everyCallFailing_noPercentiles_nonZeroExit() throws Exception {
    fleet = new InProcessFleet(1);
    fleet.fleet.stop(0);
    LoadSpec spec = LoadSpec.openLoop(200).duration(Duration.ofSeconds(1)).build();

    LoadResult r = LoadGenerator.run(fleet.channel(0), spec);

    assertThat(r.ok()).isZero();
    assertThat(r.failed()).isEqualTo(r.sent()).isPositive();
    assertThat(r.verdict().outcome()).isEqualTo("NOTHING_SUCCEEDED");
    assertThat(r.verdict().exitCode()).isEqualTo(6);
    assertThat(r.failedByStatus()).containsOnlyKeys("UNAVAILABLE");
    assertThat(r.failedByStatus().get("UNAVAILABLE").sample()).isNotBlank();
    assertCountsAddUp(r);
    String text = summary(r);
    assertThat(text).startsWith("Verdict: NOTHING_SUCCEEDED (exit 6)")
        .contains("Latency: none reported, since no call succeeded.", "UNAVAILABLE")
        .doesNotContain("p99.9", "0.000");
    JsonNode latency = new ObjectMapper().readTree(RunOutput.json(RunOutput.summary(r, Map.of(), Map.of())))
        .get("latency");
    assertThat(latency.has("corrected")).isFalse();
    assertThat(latency.has("uncorrected")).isFalse();
    assertThat(latency.get("note").asText()).startsWith("no call succeeded");
  }

  @Test
  void stall_showsInTheSecondItsCallsWereMeantToStart_notTheSecondTheyEnded() throws Exception {
    fleet = new InProcessFleet(1);
    // One call in flight: calls meant to start during a 1 s stall at second 2 all wait for it and end after 3 s.
    LoadSpec spec = LoadSpec.openLoop(200).concurrency(1).duration(Duration.ofSeconds(5)).build();
    injector = new FaultInjector(fleet.fleet,
        FaultSchedule.parse("slow:*=1000ms@2s,slow:*=0ms@3s", DurationConverter::parse), line -> { });

    LoadResult r = LoadGenerator.start(fleet.channel(0), spec, new LoadGenerator.Listener() {
      @Override
      public void measuring(long nanoTime) {
        injector.start(nanoTime);
      }
    }).await();

    List<IntendedTimeline.Row> t = r.timeline();
    assertThat(t).hasSize(5);
    assertThat(t.get(1).p99Millis()).as("second 1, before the stall").isLessThan(100);
    assertThat(t.get(2).p99Millis()).as("second 2, the stall").isGreaterThan(800);
    assertThat(t.get(3).p99Millis()).as("second 3, after it").isLessThan(t.get(2).p99Millis() / 2);
    // By completion the same calls land in second 3 (second 2 ended nothing but the stalled call's wait).
    assertThat(r.intervals().get(3).correctedMillis(99)).isGreaterThan(800);
    assertThat(r.intervals().get(2).ok()).isLessThanOrEqualTo(t.get(2).ok() / 10);
    assertCountsAddUp(r);
    String csv = RunOutput.timeline(r);
    assertThat(csv.lines().findFirst().orElseThrow()).startsWith("second,sent,ok,failed,unfinished,p50_ms,p99_ms,"
        + "max_ms").contains("completed_ok");
  }

  @Test
  void heldRun_saysSo_andCountsAddUp() throws Exception {
    fleet = new InProcessFleet(2);
    LoadSpec spec = LoadSpec.openLoop(300).warmup(Duration.ofSeconds(1)).duration(Duration.ofSeconds(2)).build();

    LoadResult r = LoadGenerator.run(fleet.channel(1), spec);

    assertThat(r.verdict().held()).as("%s", r.verdict().lines()).isTrue();
    assertThat(r.verdict().exitCode()).isZero();
    assertThat(r.okRate()).isCloseTo(300, org.assertj.core.data.Percentage.withPercentage(3));
    // A starved machine may also skip a few warm-up calls; that is said after the ramp.
    assertThat(r.warmup()).startsWith("1.0 s (fixed, ramped over 0.5 s");
    assertCountsAddUp(r);
  }

  @Test
  void deadline_isEnforcedWithoutATimerPerCall() throws Exception {
    fleet = new InProcessFleet(1);
    LoadSpec spec = LoadSpec.closedLoop(4).ioMicros(2_000_000).deadline(Duration.ofMillis(200))
        .duration(Duration.ofSeconds(1)).build();

    LoadResult r = LoadGenerator.run(fleet.channel(0), spec);

    assertThat(r.ok()).isZero();
    assertThat(r.failedByStatus()).containsOnlyKeys("DEADLINE_EXCEEDED");
    assertThat(r.failedByStatus().get("DEADLINE_EXCEEDED").sample()).contains("deadline of 200 ms exceeded");
    // Each call ends within a sweep period or two after its 200 ms.
    assertThat(r.uncorrected().getMinValue()).isGreaterThanOrEqualTo(200_000);
    assertThat(r.uncorrected().getMaxValue()).isLessThan(300_000);
    assertCountsAddUp(r);
  }

  @Test
  void callsFailingInsideTheirOwnSend_atAHighRate_doNotRecurse() throws Exception {
    fleet = new InProcessFleet(1);
    io.grpc.ManagedChannel closed = fleet.channel(0);
    closed.shutdownNow();
    // Every call fails inside start(), on the sending thread; the backlog of a rate this high is tens of thousands.
    LoadSpec spec = LoadSpec.openLoop(500_000).duration(Duration.ofSeconds(1)).build();

    LoadResult r = LoadGenerator.run(closed, spec);

    assertThat(r.ok()).isZero();
    assertThat(r.failed()).isGreaterThan(10_000);
    assertThat(r.verdict().outcome()).isEqualTo("NOTHING_SUCCEEDED");
    assertCountsAddUp(r);
  }
}
