package dev.grpcpool.bench.load.html;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link HtmlReport} and {@link RunData}: merged runs add up, the page is self-contained. */
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

      List<RunData> shown = HtmlReport.write(List.of(da, db), true, page);

      assertThat(shown).hasSize(1);
      RunData merged = shown.get(0);
      assertThat(merged.correctedTotal().getTotalCount())
          .isEqualTo(ra.corrected().getTotalCount() + rb.corrected().getTotalCount());
      assertThat(merged.serviceTotal().getTotalCount())
          .isEqualTo(ra.uncorrected().getTotalCount() + rb.uncorrected().getTotalCount());
      assertThat(merged.sent()).isEqualTo(ra.sent() + rb.sent()).isEqualTo(500);
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

      List<RunData> shown = HtmlReport.write(List.of(d1, d2), false, tmp.resolve("side.html"));

      assertThat(shown).extracting(RunData::name).containsExactly("one", "two");
      assertThat(shown.get(0).correctedTotal().getTotalCount()).isEqualTo(r.corrected().getTotalCount());
    }
  }

  private Path write(LoadResult r, String name) {
    RunOutput out = RunOutput.prepare(tmp.resolve(name), "load");
    out.write(r, Map.of("target", "test"), Map.of());
    return out.dir();
  }
}
