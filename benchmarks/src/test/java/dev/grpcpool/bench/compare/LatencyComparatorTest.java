package dev.grpcpool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link LatencyComparator}: .hgrm and .hlog percentiles of two run folders. */
class LatencyComparatorTest {

  @TempDir
  Path tmp;

  /** Seeded exponential-ish latencies in microseconds around {@code median}, with a slow tail. */
  private static Histogram latencies(long seed, double median, double tailFactor, int count) {
    Random r = new Random(seed);
    Histogram h = new Histogram(3);
    for (int i = 0; i < count; i++) {
      double v = median * (0.8 + 0.4 * r.nextDouble());
      if (r.nextDouble() < 0.02) {
        v *= tailFactor * (1 + r.nextDouble());
      }
      h.recordValue((long) v);
    }
    return h;
  }

  private static void writeHgrm(Path file, Histogram h) throws IOException {
    try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
      h.outputPercentileDistribution(out, 5, 1.0);
    }
  }

  private static void writeHlog(Path file, long seed, double median, double tailFactor) throws IOException {
    try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
      HistogramLogWriter w = new HistogramLogWriter(out);
      w.outputLogFormatVersion();
      w.outputLegend();
      for (int i = 0; i < 5; i++) {
        Histogram h = latencies(seed + i, median, tailFactor, 10_000);
        h.setStartTimeStamp(1000L * i);
        h.setEndTimeStamp(1000L * (i + 1));
        w.outputIntervalHistogram(h);
      }
    }
  }

  private List<LatencyComparison> compare(Path base, Path cand) {
    return new LatencyComparator(CompareOptions.defaults()).compare(base, cand);
  }

  private static LatencyComparison pct(List<LatencyComparison> rows, String name, String p) {
    return rows.stream().filter(r -> r.name().equals(name) && r.percentile().equals(p))
        .collect(Collectors.toList()).get(0);
  }

  @Test
  void hgrm_sameDistributionUnchanged_slowerTailRegressedAtP99() throws IOException {
    Path base = Files.createDirectories(tmp.resolve("base"));
    Path cand = Files.createDirectories(tmp.resolve("cand"));
    writeHgrm(base.resolve("unary.hgrm"), latencies(1, 100, 5, 50_000));
    writeHgrm(cand.resolve("unary.hgrm"), latencies(2, 100, 15, 50_000));

    List<LatencyComparison> rows = compare(base, cand);
    assertThat(pct(rows, "unary", "p50").verdict()).isEqualTo(Verdict.UNCHANGED);
    LatencyComparison p99 = pct(rows, "unary", "p99");
    assertThat(p99.format()).isEqualTo("hgrm");
    assertThat(p99.rule()).isEqualTo(Rule.INTERVALS);
    assertThat(p99.verdict()).isEqualTo(Verdict.REGRESSED);
  }

  @Test
  void hlog_intervalsGiveWelchTest_andOneSidedFilesReported() throws IOException {
    Path base = Files.createDirectories(tmp.resolve("base"));
    Path cand = Files.createDirectories(tmp.resolve("cand"));
    writeHlog(base.resolve("load.hlog"), 10, 100, 5);
    writeHlog(cand.resolve("load.hlog"), 20, 100, 15);
    writeHgrm(base.resolve("gone.hgrm"), latencies(3, 100, 5, 1000));

    List<LatencyComparison> rows = compare(base, cand);
    LatencyComparison p99 = pct(rows, "load", "p99");
    assertThat(p99.format()).isEqualTo("hlog");
    assertThat(p99.rule()).isEqualTo(Rule.WELCH);
    assertThat(p99.verdict()).isEqualTo(Verdict.REGRESSED);
    assertThat(pct(rows, "load", "p50").verdict()).isEqualTo(Verdict.UNCHANGED);
    assertThat(pct(rows, "gone", "-").verdict()).isEqualTo(Verdict.MISSING);
  }

  @Test
  void tooFewValuesForTheTail_inconclusive() throws IOException {
    Path base = Files.createDirectories(tmp.resolve("base"));
    Path cand = Files.createDirectories(tmp.resolve("cand"));
    writeHgrm(base.resolve("few.hgrm"), latencies(4, 100, 5, 2_000));
    writeHgrm(cand.resolve("few.hgrm"), latencies(5, 300, 5, 2_000));
    List<LatencyComparison> rows = compare(base, cand);
    // 2,000 values: enough for p50 and p99 (≥ 1,000), not for p99.9 (needs 10,000).
    assertThat(pct(rows, "few", "p50").verdict()).isEqualTo(Verdict.REGRESSED);
    assertThat(pct(rows, "few", "p99.9").verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(pct(rows, "few", "p99.9").rule()).isEqualTo(Rule.TOO_LITTLE_DATA);
  }

  @Test
  void latencyRegression_advisoryUnlessGated() throws IOException {
    Path base = Fixtures.runFolder(tmp, "base", "base.json");
    Path cand = Fixtures.runFolder(tmp, "cand", "rerun.json");
    writeHgrm(base.resolve("unary.hgrm"), latencies(1, 100, 5, 50_000));
    writeHgrm(cand.resolve("unary.hgrm"), latencies(2, 100, 15, 50_000));
    ComparisonReport advisory = Comparison.compare(base, cand, CompareOptions.defaults());
    assertThat(advisory.latency()).anyMatch(l -> l.verdict() == Verdict.REGRESSED);
    assertThat(advisory.exitCode()).isZero();
    assertThat(ReportFormatter.table(advisory)).contains("Latency percentiles", "(advisory)");
    ComparisonReport gated = Comparison.compare(base, cand, CompareOptions.builder().gateLatency(true).build());
    assertThat(gated.exitCode()).isEqualTo(1);
  }
}
