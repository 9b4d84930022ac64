package dev.grpcpool.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcpool.bench.jmh.ResultsSummary.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link ResultsSummary}: one narrow table per benchmark, fixed parameters stated once. */
class ResultsSummaryTest {

  private static final String L4 = "dev.grpcpool.bench.L4Benchmark.unary";
  private static final String PICK = "dev.grpcpool.bench.PickOverheadBenchmark.pick2Threads";

  private static Row l4(String l4, String channels, String strategy, double score) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("channels", channels);
    p.put("inFlight", "200");
    p.put("l4", l4);
    p.put("maxConnectionAgeSeconds", "0");
    p.put("restartedBackend", "false");
    p.put("strategy", strategy);
    return new Row(L4, "thrpt", p, 1, score, score * 0.04, "ops/s", 52_345.6, 191_234.5);
  }

  @Test
  void theWidestSuite_fitsAn80ColumnTerminal_withFixedParametersAboveTheTable() {
    List<Row> rows = new ArrayList<>();
    for (String l4 : List.of("RANDOM", "ROUND_ROBIN")) {
      for (String ch : List.of("1", "2", "4", "8", "16", "calculator")) {
        for (String s : List.of("LEAST_IN_FLIGHT", "ROUND_ROBIN")) {
          rows.add(l4(l4, ch, s, 3604.4));
        }
      }
    }
    String md = ResultsSummary.markdown(rows);

    assertThat(md.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
    assertThat(md).startsWith("### L4Benchmark.unary (throughput)\n")
        .contains("\ninFlight 200, maxConnectionAgeSeconds 0, restartedBackend false\n"
            + "± is JMH's 99.9 % error; p50 / p99: call latency\n")
        .contains("| channels   | l4          | strategy        |       ops/s | p50 µs |  p99 µs |")
        .contains("| calculator | ROUND_ROBIN | LEAST_IN_FLIGHT | 3,604 ± 4 % | 52,346 | 191,235 |");
    assertThat(md.lines().filter(l -> l.startsWith("| ")).count()).as("header + 24 rows").isEqualTo(25);
  }

  @Test
  void separateBenchmarks_separateTables_noLatencyColumnsWithoutLatency_smallNumbersKeepDigits() {
    List<Row> rows = List.of(
        new Row(PICK, "avgt", Map.of("strategy", "ROUND_ROBIN"), 2, 5.0512, 0.72, "ns/op", Double.NaN, Double.NaN),
        new Row(PICK, "avgt", Map.of("strategy", "ARTICLE_RWLOCK"), 2, 515.2, 237, "ns/op", Double.NaN, Double.NaN),
        l4("RANDOM", "1", "ROUND_ROBIN", 964));

    String md = ResultsSummary.markdown(rows);

    assertThat(md).contains("### PickOverheadBenchmark.pick2Threads (average time)\n\nthreads 2\n± is JMH's 99.9 % error\n")
        .contains("| ROUND_ROBIN    | 5.05 ± 14 % |")
        .contains("| ARTICLE_RWLOCK |  515 ± 46 % |")
        .contains("### L4Benchmark.unary (throughput)");
    String pickTable = md.substring(0, md.indexOf("### L4"));
    assertThat(pickTable).doesNotContain("p50");
  }

  @Test
  void numbers_haveThreeSignificantDigitsOrThousandsSeparators() {
    assertThat(ResultsSummary.number(1.2713)).isEqualTo("1.27");
    assertThat(ResultsSummary.number(15.04)).isEqualTo("15.0");
    assertThat(ResultsSummary.number(162_873.4)).isEqualTo("162,873");
    assertThat(ResultsSummary.number(Double.NaN)).isEqualTo("–");
    assertThat(ResultsSummary.shortName(L4)).isEqualTo("L4Benchmark.unary");
  }
}
