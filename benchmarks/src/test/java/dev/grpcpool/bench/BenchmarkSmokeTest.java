package dev.grpcpool.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.results.RunFolder;
import dev.grpcpool.bench.results.LatencyTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every suite for one short measurement iteration through JMH's Runner API, so that a benchmark that
 * throws, hangs or stops writing its reports fails the build. Most runs are in this JVM ({@code -f 0}) to
 * stay fast; one runs two trials in forked JVMs to prove that forks share one run folder and that the
 * latency profiler's metrics reach JMH's JSON from a fork. Nothing here judges speed.
 */
class BenchmarkSmokeTest {

  private static final TimeValue SHORT = TimeValue.milliseconds(300);

  static {
    // JMH refuses to start while another JMH run holds /tmp/jmh.lock (a benchmark running on this machine).
    // These runs judge no speed, so they may share the machine rather than fail the build. Runner reads the
    // property once, when its class is initialized, hence here and never cleared.
    System.setProperty("jmh.ignoreLock", "true");
  }

  @TempDir Path results;

  @AfterEach
  void clearProperty() {
    System.clearProperty(RunFolder.RESULTS_DIR_PROPERTY);
  }

  private ChainedOptionsBuilder options(Class<?> suite) {
    System.setProperty(RunFolder.RESULTS_DIR_PROPERTY, results.toString());
    return new OptionsBuilder()
        .include("^" + suite.getName().replace(".", "\\.") + "\\.")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(SHORT)
        .addProfiler(LatencyProfiler.class)
        .shouldFailOnError(true);
  }

  // ---------------------------------------------------------------------------------------------------------

  @Test
  void pickOverhead_producesScoresForBaselineAndPool() throws RunnerException {
    Collection<RunResult> runs = new Runner(options(PickOverheadBenchmark.class)
        .param("strategy", "ARTICLE_RWLOCK", "ROUND_ROBIN", "POWER_OF_TWO_CHOICES")
        .build()).run();

    assertThat(runs).hasSize(3 * 2);
    for (RunResult run : runs) {
      assertThat(run.getPrimaryResult().getScore()).isPositive();
      assertThat(run.getPrimaryResult().getScoreUnit()).isEqualTo("ns/op");
    }
  }

  @Test
  void poolSize_producesThroughputLatencyAndReports() throws Exception {
    Collection<RunResult> runs = new Runner(options(PoolSizeBenchmark.class)
        .param("work", "IO")
        .param("sizing", "ONE", "RULE")
        .param("inFlight", "8")
        .build()).run();

    assertThat(runs).hasSize(2);
    runs.forEach(BenchmarkSmokeTest::assertCallsAndLatency);
    assertReports(2);
  }

  @Test
  void singleVsPooled_everyScenarioRunsAndReports() throws Exception {
    Collection<RunResult> runs = new Runner(options(SingleVsPooledBenchmark.class)
        .param("inFlight", "16")
        .build()).run();

    assertThat(runs).hasSize(SingleVsPooledBenchmark.Scenario.values().length);
    runs.forEach(BenchmarkSmokeTest::assertCallsAndLatency);
    assertReports(runs.size());
  }

  @Test
  void adaptivePool_theSelfSizingAndAFixedPoolProduceThroughputLatencyAndReports() throws Exception {
    Collection<RunResult> runs = new Runner(options(AdaptivePoolBenchmark.class)
        .param("pool", "ADAPTIVE", "FIXED_2")
        .param("inFlight", "40")
        .build()).run();

    assertThat(runs).hasSize(2);
    runs.forEach(BenchmarkSmokeTest::assertCallsAndLatency);
    assertReports(2);
  }

  @Test
  void strategy_countsOutcomesPerBackend() throws Exception {
    Collection<RunResult> runs = new Runner(options(StrategyBenchmark.class)
        .param("strategy", "ROUND_ROBIN", "HEALTHY_FIRST")
        .param("inFlight", "8")
        .build()).run();

    assertThat(runs).hasSize(2 * 2);
    for (RunResult run : runs) {
      var secondary = run.getSecondaryResults();
      assertThat(secondary).containsKeys("okCalls", "failedCalls", "servedByFaulty", "servedBySlow",
          "calls.failed.share");
      assertThat(secondary.get("okCalls").getScore()).isPositive();
      String fault = run.getParams().getParam("fault");
      String strategy = run.getParams().getParam("strategy");
      if (strategy.equals("ROUND_ROBIN")) {
        // Round robin keeps sending a third of the calls to backend 1 whatever its state.
        String outcome = fault.equals("STOPPED") ? "failedCalls" : "servedByFaulty";
        assertThat(secondary.get(outcome).getScore()).as(fault + " " + outcome).isPositive();
      }
      assertThat(secondary.get("servedBySlow").getScore()).isPositive();
    }
    assertReports(runs.size());
  }

  @Test
  void l4_oneChannelIsPinnedToOneBackend_andManyChannelsReachSeveral() throws Exception {
    Collection<RunResult> runs = new Runner(options(L4Benchmark.class)
        .param("l4", "ROUND_ROBIN")
        .param("channels", "1", "8")
        .param("strategy", "LEAST_IN_FLIGHT")
        .param("inFlight", "40")
        .build()).run();

    assertThat(runs).hasSize(2);
    for (RunResult run : runs) {
      assertCallsAndLatency(run);
      var secondary = run.getSecondaryResults();
      double ok = secondary.get("okCalls").getScore();
      assertThat(ok).isPositive();
      long backendsUsed = java.util.stream.IntStream.range(0, 4)
          .filter(i -> secondary.get("backend" + i).getScore() > 0).count();
      // Round-robin L4 lands 8 channels two per backend; one channel stays on the one backend it landed on.
      assertThat(backendsUsed).as(run.getParams().getParam("channels") + " channels")
          .isEqualTo(run.getParams().getParam("channels").equals("1") ? 1 : 4);
      double perBackend = 0;
      for (int i = 0; i < 4; i++) {
        perBackend += secondary.get("backend" + i).getScore();
      }
      assertThat(perBackend).isCloseTo(ok, org.assertj.core.data.Offset.offset(ok * 1e-6));
    }
    assertReports(runs.size());
  }

  @Test
  void l4_aRestartedBackendGetsNoCallsUntilConnectionsAge() throws Exception {
    Collection<RunResult> runs = new Runner(options(L4Benchmark.class)
        .param("l4", "ROUND_ROBIN")
        .param("channels", "4")
        .param("strategy", "LEAST_IN_FLIGHT")
        .param("inFlight", "40")
        .param("restartedBackend", "true")
        .build()).run();

    assertThat(runs).hasSize(1);
    var secondary = runs.iterator().next().getSecondaryResults();
    assertThat(secondary.get("okCalls").getScore()).isPositive();
    assertThat(secondary.get("backend0").getScore()).isZero();
  }

  @Test
  void channelPerCall_everyVariantCallsTheServer() throws Exception {
    Collection<RunResult> runs = new Runner(options(ChannelPerCallBenchmark.class).build()).run();

    assertThat(runs).hasSize(4);
    for (RunResult run : runs) {
      assertThat(run.getPrimaryResult().getScore()).isPositive();
      assertThat(run.getPrimaryResult().getScoreUnit()).isEqualTo("us/op");
    }
  }

  @Test
  void forkedTrials_shareOneRunFolder_andLatencyReachesJson() throws Exception {
    Path json = results.resolve("jmh-result.json");
    Collection<RunResult> runs = new Runner(options(SingleVsPooledBenchmark.class)
        .forks(1)
        .jvmArgsAppend("-D" + RunFolder.RESULTS_DIR_PROPERTY + "=" + results, "-Xmx256m")
        .param("scenario", "NETTY_BARE", "NETTY_POOL_OF_1")
        .param("inFlight", "8")
        .resultFormat(ResultFormatType.JSON)
        .result(json.toString())
        .build()).run();

    assertThat(runs).hasSize(2);
    List<Path> folders = assertReports(2);
    assertThat(Files.readString(folders.get(0).resolve(RunFolder.RUN_ID_FILE)))
        .contains("pid " + ProcessHandle.current().pid());
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root).hasSize(2);
    for (JsonNode benchmark : root) {
      JsonNode p99 = benchmark.path("secondaryMetrics").path("latency.p99");
      assertThat(p99.path("scoreUnit").asText()).isEqualTo("us");
      assertThat(p99.path("score").asDouble()).isPositive();
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  private static void assertCallsAndLatency(RunResult run) {
    assertThat(run.getPrimaryResult().getScore()).as("calls/s").isPositive();
    var secondary = run.getSecondaryResults();
    assertThat(secondary).containsKeys("latency.p50", "latency.p99", "latency.p99.9", "calls.failed.share");
    double p50 = secondary.get("latency.p50").getScore();
    assertThat(p50).isPositive();
    assertThat(secondary.get("latency.p99.9").getScore()).isGreaterThanOrEqualTo(p50);
    assertThat(secondary.get("latency.p50").getScoreUnit()).isEqualTo("us");
  }

  /**
   * Exactly one run folder with {@code trials} pairs of .hlog and .hgrm and a summary row each; every .hlog
   * reads back with as many successful calls as its summary row has calls minus failures.
   */
  private List<Path> assertReports(int trials) throws IOException {
    List<Path> folders;
    try (Stream<Path> s = Files.list(results)) {
      folders = s.filter(Files::isDirectory).collect(Collectors.toList());
    }
    assertThat(folders).hasSize(1);
    Path folder = folders.get(0);
    assertThat(folder.getFileName().toString()).matches("\\d{8}-\\d{6}-jmh");
    List<String> rows = Files.readAllLines(folder.resolve(LatencyTable.FILE_NAME)).stream()
        .filter(l -> l.startsWith("| ") && !l.startsWith("| case")).collect(Collectors.toList());
    assertThat(rows).hasSize(trials);
    List<Path> hlogs = new ArrayList<>();
    try (Stream<Path> s = Files.list(folder)) {
      s.filter(p -> p.toString().endsWith(".hlog")).forEach(hlogs::add);
    }
    assertThat(hlogs).hasSize(trials);
    for (Path hlog : hlogs) {
      String stem = hlog.getFileName().toString().replaceFirst("\\.hlog$", "");
      assertThat(folder.resolve(stem + ".hgrm")).isNotEmptyFile();
      String row = rows.stream().filter(r -> r.contains(stem + ".hlog")).findFirst().orElseThrow();
      String[] cells = row.split("\\|");
      long calls = Long.parseLong(cells[2].trim());
      long failed = Long.parseLong(cells[3].trim());
      assertThat(calls).isPositive();
      assertThat(successfulCalls(hlog)).as(stem).isEqualTo(calls - failed);
    }
    return folders;
  }

  private static long successfulCalls(Path hlog) throws IOException {
    long total = 0;
    HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
    try {
      for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; ) {
        total += ((org.HdrHistogram.Histogram) h).getTotalCount();
      }
    } finally {
      reader.close();
    }
    return total;
  }
}
