package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.compare.Environment;
import dev.grpcpool.bench.jmh.ResultsSummary;
import dev.grpcpool.bench.results.RunFolder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;

/**
 * Tests for {@link BenchmarksMain}, the jar's entry point: a run leaves a folder that the compare tool takes
 * and ends by naming it; bad options are one line and exit 2. The run is one short iteration in this JVM
 * ({@code -f 0}); nothing here judges speed.
 */
class BenchmarksMainTest {

  static {
    // As in BenchmarkSmokeTest: share the machine with a JMH run that holds /tmp/jmh.lock rather than fail.
    System.setProperty("jmh.ignoreLock", "true");
  }

  @TempDir
  Path results;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void redirectResults() {
    System.setProperty(RunFolder.RESULTS_DIR_PROPERTY, results.toString());
  }

  @AfterEach
  void clearProperty() {
    System.clearProperty(RunFolder.RESULTS_DIR_PROPERTY);
  }

  private int run(String... args) {
    return BenchmarksMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void run_writesJsonEnvSummaryAndJmhTable_intoOneFolder_andEndsByNamingIt() throws Exception {
    int code = run("PickOverheadBenchmark.pick1Thread", "-p", "strategy=ROUND_ROBIN,FIXED_CHANNEL", "-f", "0",
        "-wi", "0", "-i", "1", "-r", "200ms");

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<Path> folders;
    try (Stream<Path> s = Files.list(results)) {
      folders = s.collect(Collectors.toList());
    }
    assertThat(folders).hasSize(1);
    Path folder = folders.get(0);
    assertThat(folder.getFileName().toString()).matches("\\d{8}-\\d{6}-jmh");
    JsonNode json = new ObjectMapper().readTree(folder.resolve(BenchmarksMain.JSON).toFile());
    assertThat(json).hasSize(2);
    assertThat(folder.resolve(Environment.FILE_NAME)).isNotEmptyFile();
    assertThat(Files.readString(folder.resolve(BenchmarksMain.JMH_TABLE))).contains("Benchmark", "pick1Thread");
    String summary = Files.readString(folder.resolve(ResultsSummary.FILE_NAME));
    assertThat(summary).contains("### PickOverheadBenchmark.pick1Thread (average time)", "| ROUND_ROBIN ",
        "| FIXED_CHANNEL ");

    String console = out.toString(StandardCharsets.UTF_8);
    List<String> tail = console.lines().dropWhile(l -> !l.startsWith("### ")).collect(Collectors.toList());
    assertThat(tail).as("the end of the console output, but for the folder's path")
        .filteredOn(l -> !l.startsWith("Results: ")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    assertThat(console).contains("Results: " + folder.toAbsolutePath())
        .as("JMH's own wide table is in the folder, not the console").doesNotContain("Cnt  ");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void sigterm_keepsTheBenchmarksThatFinished() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    // Two benchmarks of 2 s each in forks; the signal comes once the first has finished. (What the process prints
    // after SIGTERM cannot be read here: destroy() closes the pipe. The files are the evidence.)
    Process p = CliRun.startMain(lines, BenchmarksMain.class, Map.of(RunFolder.RESULTS_DIR_ENV, results.toString(),
            "JAVA_TOOL_OPTIONS", "-Djmh.ignoreLock=true"),
        "PickOverheadBenchmark.pick1Thread", "-p", "strategy=FIXED_CHANNEL,ROUND_ROBIN", "-f", "1", "-wi", "0",
        "-i", "2", "-r", "1s");
    try {
      await().atMost(Duration.ofSeconds(120)).until(() -> lines.stream().anyMatch(l -> l.startsWith("Result \"")));
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
    } finally {
      p.destroyForcibly();
    }

    Path folder;
    try (Stream<Path> s = Files.list(results)) {
      folder = s.findFirst().orElseThrow();
    }
    JsonNode json = new ObjectMapper().readTree(folder.resolve(BenchmarksMain.JSON).toFile());
    assertThat(json).as("the finished benchmark, not the stopped one").hasSize(1);
    assertThat(json.get(0).at("/params/strategy").asText()).isEqualTo("FIXED_CHANNEL");
    // One row: its parameters are stated above the table.
    assertThat(Files.readString(folder.resolve(ResultsSummary.FILE_NAME)))
        .contains("### PickOverheadBenchmark.pick1Thread", "FIXED_CHANNEL").doesNotContain("ROUND_ROBIN");
  }

  @Test
  void badOptionOrUnknownBenchmark_isOneLineAndExitTwo() {
    assertThat(run("-zz")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(2).first().asString().startsWith("benchmarks: ");
    err.reset();

    assertThat(run("NoSuchBenchmark", "-f", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(2).first().asString()
        .startsWith("benchmarks: no benchmark matches").contains("NoSuchBenchmark");
    // The one line JMH prints because this test runs with jmh.ignoreLock (see the static block) aside.
    assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("# WARNING: JMH lock")))
        .as("stdout").isEmpty();
    assertThat(results).as("no run folder left behind").isEmptyDirectory();
  }

  @Test
  void defaultSelection_leavesOutTheCiHelpers_butANamedOneRuns() throws Exception {
    Options all = BenchmarksMain.defaults(new CommandLineOptions(), null);
    Options named = BenchmarksMain.defaults(new CommandLineOptions("ReferenceBenchmark"), null);

    String reference = "dev.grpcpool.bench.ReferenceBenchmark.cpu";
    assertThat(all.getExcludes()).anySatisfy(p -> assertThat(reference).containsPattern(p));
    assertThat(all.getExcludes()).noneSatisfy(
        p -> assertThat("dev.grpcpool.bench.PickOverheadBenchmark.pick1Thread").containsPattern(p));
    assertThat(named.getExcludes()).isEmpty();
    assertThat(named.getIncludes()).containsExactly("ReferenceBenchmark");
  }
}
