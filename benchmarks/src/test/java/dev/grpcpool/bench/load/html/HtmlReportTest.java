package dev.grpcpool.bench.load.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcpool.bench.load.Channels;
import dev.grpcpool.bench.load.LoadGenerator;
import dev.grpcpool.bench.load.LoadResult;
import dev.grpcpool.bench.load.LoadSpec;
import dev.grpcpool.bench.load.LoadTarget;
import dev.grpcpool.bench.load.RunOutput;
import dev.grpcpool.core.PickStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link HtmlReport} and {@link RunData}: merged runs add up and must have overlapped, gaps break the lines,
 * runs side by side start at their own t = 0, the page shows configuration, backends and faults, and is
 * self-contained.
 */
class HtmlReportTest {
  @TempDir
  Path tmp;

  private LoadTarget target;

  @AfterEach
  void tearDown() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void twoRunsAtTheSameTime_mergeIntoTheSumOfTheirCounts() throws Exception {
    target = LoadTarget.embedded(LoadTarget.Transport.INPROCESS, 2, 0);
    // Two generators against one fleet at the same time, as two machines would drive one service.
    try (LoadTarget.Connection a = target.connect(Channels.pool(PickStrategy.ROUND_ROBIN), 2, null, Duration.ofSeconds(1));
        LoadTarget.Connection b = target.connect(Channels.pool(PickStrategy.ROUND_ROBIN), 2, null, Duration.ofSeconds(1))) {
      LoadGenerator ga = LoadGenerator.start(a.channel(), LoadSpec.openLoop(150).duration(Duration.ofSeconds(2))
          .build());
      LoadGenerator gb = LoadGenerator.start(b.channel(), LoadSpec.openLoop(100).duration(Duration.ofSeconds(2))
          .build());
      LoadResult ra = ga.await();
      LoadResult rb = gb.await();
      Path da = write(ra, "a");
      Path db = write(rb, "b");
      Path page = tmp.resolve("merged.html");

      HtmlReport report = HtmlReport.of(List.of(da, db), true);
      report.writeTo(page);
      List<RunData> shown = report.runs();

      assertThat(shown).hasSize(1);
      RunData merged = shown.get(0);
      assertThat(merged.correctedTotal().getTotalCount())
          .isEqualTo(ra.corrected().getTotalCount() + rb.corrected().getTotalCount());
      assertThat(merged.serviceTotal().getTotalCount())
          .isEqualTo(ra.uncorrected().getTotalCount() + rb.uncorrected().getTotalCount());
      assertThat(merged.sent()).isEqualTo(ra.sent() + rb.sent());
      // 150/s and 100/s for 2 s; a generator starved of CPU at the end leaves some unsent, counted as missed.
      assertThat(ra.intended() + rb.intended()).isEqualTo(500);
      assertThat(merged.ok()).isEqualTo(ra.ok() + rb.ok());
      long perSecond = merged.corrected().values().stream().mapToLong(h -> h.getTotalCount()).sum();
      assertThat(perSecond).isEqualTo(merged.correctedTotal().getTotalCount());
      // The runs overlapped: their seconds line up instead of following each other.
      assertThat(merged.corrected().size()).isLessThanOrEqualTo(3);

      String html = Files.readString(page);
      assertThat(html).contains("<svg", "Latency by percentile", "merged (2 runs)");
      assertThat(html).doesNotContain("<script", "src=\"http", "href=\"http");
    }
  }

  @Test
  void withoutMerge_showsEachRunSideBySide() throws Exception {
    target = LoadTarget.embedded(LoadTarget.Transport.INPROCESS, 1, 0);
    try (LoadTarget.Connection c = target.connect(Channels.single(), 1, null, Duration.ofSeconds(1))) {
      LoadResult r = LoadGenerator.run(c.channel(), LoadSpec.closedLoop(2).duration(Duration.ofSeconds(1)).build());
      Path d1 = write(r, "one");
      Path d2 = write(r, "two");

      List<RunData> shown = HtmlReport.of(List.of(d1, d2), false).runs();

      assertThat(shown).extracting(RunData::name).containsExactly("one", "two");
      assertThat(shown.get(0).correctedTotal().getTotalCount()).isEqualTo(r.corrected().getTotalCount());
    }
  }

  // ---------------------------------------------------------------- runs placed on the clock

  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void runsSideBySide_eachStartAtTheirOwnZero() {
    Path a = SyntheticRun.startingAt(T0).seconds(10).writeTo(tmp.resolve("a"));
    Path b = SyntheticRun.startingAt(T0.plusSeconds(30)).seconds(10).writeTo(tmp.resolve("b"));

    List<RunData> shown = HtmlReport.of(List.of(a, b), false).runs();

    for (RunData r : shown) {
      RunData.Timeline t = r.timeline();
      assertThat(t.second()).as(r.name()).hasSize(10);
      assertThat(t.second()[0]).as(r.name()).isZero();
      assertThat(t.second()[9]).as(r.name()).isEqualTo(9);
    }
  }

  @Test
  void timelineWithPoolColumns_drawsThePoolSizeChart_andOlderTimelinesDoNot() {
    Path pooled = SyntheticRun.startingAt(T0).seconds(4).poolSizes(1, 4, 8, 8).writeTo(tmp.resolve("pooled"));
    Path older = SyntheticRun.startingAt(T0).seconds(4).writeTo(tmp.resolve("older"));

    RunData.Timeline t = HtmlReport.of(List.of(pooled), false).runs().get(0).timeline();
    String html = HtmlReport.of(List.of(pooled), false).render();
    String withoutPool = HtmlReport.of(List.of(older), false).render();

    assertThat(t.poolSize()).containsExactly(1, 4, 8, 8);
    assertThat(t.queuedCalls()).containsExactly(1, 4, 8, 8);
    assertThat(html).contains("Pool size per second", "waited for a stream");
    assertThat(withoutPool).doesNotContain("Pool size per second", "waited for a stream");
    assertThat(HtmlReport.of(List.of(older), false).runs().get(0).timeline().hasPool()).isFalse();
  }

  @Test
  void merge_addsUpTheGeneratorsPools() {
    Path a = SyntheticRun.startingAt(T0).seconds(3).poolSizes(1, 2, 4).writeTo(tmp.resolve("a"));
    Path b = SyntheticRun.startingAt(T0).seconds(3).poolSizes(1, 1, 1).writeTo(tmp.resolve("b"));

    RunData.Timeline t = HtmlReport.of(List.of(a, b), true).runs().get(0).timeline();

    assertThat(t.poolSize()).containsExactly(2, 3, 5);
  }

  @Test
  void runsSideBySide_shareOneTimeAxisFromZero() {
    Path a = SyntheticRun.startingAt(T0).seconds(10).writeTo(tmp.resolve("a"));
    Path b = SyntheticRun.startingAt(T0.plusSeconds(30)).seconds(10).writeTo(tmp.resolve("b"));

    String html = HtmlReport.of(List.of(a, b), false).render();

    // The x axis of the per-second charts ends at 9 (or 10), not at 39 as on a shared wall clock.
    assertThat(html).contains("a p50", "b p50").doesNotContain(">39</text>", ">30</text>");
  }

  @Test
  void merge_refusesRunsThatNeverRanAtTheSameTime() {
    Path a = SyntheticRun.startingAt(T0).seconds(10).writeTo(tmp.resolve("a"));
    Path b = SyntheticRun.startingAt(T0.plusSeconds(30)).seconds(10).writeTo(tmp.resolve("b"));

    assertThatThrownBy(() -> HtmlReport.of(List.of(a, b), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlapped no other run")
        .hasMessageContaining("a 12:00:00-12:00:10")
        .hasMessageContaining("b 12:00:30-12:00:40")
        .hasMessageNotContaining("\n");
  }

  @Test
  void merge_withAGap_warnsAndBreaksTheLine() {
    // Two pairs of overlapping runs, ten seconds apart: every run overlaps another, but t = 15..24 has no data.
    Path a = SyntheticRun.startingAt(T0).seconds(10).writeTo(tmp.resolve("a"));
    Path b = SyntheticRun.startingAt(T0.plusSeconds(5)).seconds(10).writeTo(tmp.resolve("b"));
    Path c = SyntheticRun.startingAt(T0.plusSeconds(25)).seconds(10).writeTo(tmp.resolve("c"));
    Path d = SyntheticRun.startingAt(T0.plusSeconds(28)).seconds(10).writeTo(tmp.resolve("d"));

    HtmlReport report = HtmlReport.of(List.of(a, b, c, d), true);

    RunData merged = report.runs().get(0);
    assertThat(merged.gaps()).containsExactly(new RunData.Gap(15, 24));
    RunData.Timeline t = merged.timeline();
    assertThat(t.p50()[14]).isPositive();
    for (int s = 15; s <= 24; s++) {
      assertThat(t.p50()[s]).as("p50 at %d s", s).isNaN();
      assertThat(t.calls()[s]).as("calls at %d s", s).isNaN();
    }
    assertThat(t.calls()[25]).isEqualTo(100);
    assertThat(report.warnings()).singleElement().asString().contains("10 s", "t = 15-24 s");
    String html = report.render();
    assertThat(html).contains("class=\"warn\"", "t = 15-24 s");
    Matcher path = Pattern.compile("<path [^>]* d=\"([^\"]*)\"><title>p50</title>").matcher(html);
    assertThat(path.find()).isTrue();
    assertThat(path.group(1).chars().filter(ch -> ch == 'M').count()).as("line pieces").isEqualTo(2);
  }

  @Test
  void page_showsConfigurationBackendsChannelsAndFaultMarkers() {
    Path a = SyntheticRun.startingAt(T0).seconds(8).fault("kill:1@3s", 3_001).fault("restart:1@4s", 4_000)
        .writeTo(tmp.resolve("a"));

    String html = HtmlReport.of(List.of(a), false).render();

    assertThat(html).contains("<h2>Configuration</h2>", ">channel.strategy</td>", ">ROUND_ROBIN</td>",
        ">static:///127.0.0.1:50051,127.0.0.1:50052</td>");
    assertThat(html).contains(">per backend</th>", ">backend-1</td>", ">per channel</th>", ">127.0.0.1:50051</td>");
    // A backend with no ok call has no p99: a dash, not 0.
    assertThat(html).containsPattern(">backend-1</td>(<td>[^<]*</td>){5}<td>-</td>");
    // Each fault is a dashed vertical line with its label in both time charts (and both latency scales).
    assertThat(Pattern.compile(">kill:1@3s</text>").matcher(html).results().count()).isEqualTo(3);
    assertThat(html).contains(">restart:1@4s</text>", "<h2>Faults</h2>");
  }

  private Path write(LoadResult r, String name) {
    RunOutput out = RunOutput.prepare(tmp.resolve(name), "load");
    out.write(r, Map.of("target", "test"), Map.of());
    return out.dir();
  }
}
