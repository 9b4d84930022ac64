package dev.grpcpool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link JmhJsonReader}. */
class JmhJsonReaderTest {

  @TempDir
  Path tmp;

  private static BenchmarkKey key(String bench, String metric, String mode, Map<String, String> params) {
    return new BenchmarkKey("dev.grpcpool.bench." + bench, metric, mode, 1, params);
  }

  @Test
  void paramVariants_areSeparateKeysWithSortedParams() {
    ResultSet r = JmhJsonReader.read(Fixtures.file("base.json"));
    BenchmarkKey rr = key("PickOverheadBenchmark.pick", "", "thrpt",
        Map.of("strategy", "ROUND_ROBIN", "poolSize", "4"));
    BenchmarkKey lif = key("PickOverheadBenchmark.pick", "", "thrpt",
        Map.of("strategy", "LEAST_IN_FLIGHT", "poolSize", "4"));
    assertThat(r.measurements()).containsKeys(rr, lif);
    assertThat(r.measurements().get(rr).center()).isCloseTo(1.0e8, within(2e6));
    assertThat(r.measurements().get(lif).center()).isCloseTo(6.0e7, within(2e6));
    assertThat(rr.paramsText()).isEqualTo("poolSize=4, strategy=ROUND_ROBIN");
    assertThat(r.measurements().get(rr).forks()).hasSize(5);
    assertThat(r.measurements().get(rr).forks().get(0).count()).isEqualTo(3);
  }

  @Test
  void secondaryMetrics_withDirectionAreKept_othersListed() {
    ResultSet r = JmhJsonReader.read(Fixtures.file("base.json"));
    BenchmarkKey alloc = key("PickOverheadBenchmark.pick", "gc.alloc.rate.norm", "thrpt",
        Map.of("strategy", "ROUND_ROBIN", "poolSize", "4"));
    assertThat(r.measurements()).containsKey(alloc);
    assertThat(r.measurements().get(alloc).direction()).isEqualTo(Direction.LOWER_IS_BETTER);
    assertThat(r.measurements().keySet()).noneMatch(k -> k.metric().equals("gc.count"));
    assertThat(r.undirectedMetrics()).containsExactly("gc.count (counts)");
  }

  @Test
  void legacyDotPrefix_readsAsTheSameMetric() {
    ResultSet legacy = JmhJsonReader.read(Fixtures.file("legacy-alloc0.json"));
    ResultSet modern = JmhJsonReader.read(Fixtures.file("base.json"));
    assertThat(legacy.measurements().keySet()).isEqualTo(modern.measurements().keySet());
    assertThat(JmhJsonReader.stripLegacyPrefix("·gc.alloc.rate.norm")).isEqualTo("gc.alloc.rate.norm");
  }

  @Test
  void sampleMode_readsHistogramPerFork() {
    ResultSet r = JmhJsonReader.read(Fixtures.file("sample-base.json"));
    Measurement m = r.measurements().values().iterator().next();
    assertThat(m.key().mode()).isEqualTo("sample");
    assertThat(m.forks()).hasSize(3);
    // 2 iterations × (200 + 600 + 190 + 10) samples per fork.
    assertThat(m.forks().get(0).count()).isEqualTo(2000);
    // The weighted mean of the buckets is JMH's score.
    assertThat(m.pooled().mean()).isCloseTo(m.jmhScore(), within(1e-6));
  }

  @Test
  void nanErrorAndMissingRawData_areAccepted() {
    Measurement nan = JmhJsonReader.read(Fixtures.file("noraw-nan-base.json")).measurements().values()
        .iterator().next();
    assertThat(nan.hasRawData()).isFalse();
    assertThat(nan.jmhError()).isNaN();
    assertThat(nan.center()).isEqualTo(50.0);
    assertThat(nan.key().mode()).isEqualTo("ss");
  }

  @Test
  void folder_poolsForksOfRepeatedRunsAndSkipsOtherJson() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    Files.copy(Fixtures.file("base.json"), dir.resolve("a.json"));
    Files.createDirectories(dir.resolve("second"));
    Files.copy(Fixtures.file("rerun.json"), dir.resolve("second/b.json"));
    Files.copy(Fixtures.file("not-jmh.json"), dir.resolve("load-summary.json"));
    ResultSet r = JmhJsonReader.read(dir);
    assertThat(r.files()).hasSize(2);
    assertThat(r.measurements().values()).allMatch(m -> m.forks().size() == 10);
  }

  @Test
  void badFiles_nameTheFileAndTheProblem() {
    assertThatThrownBy(() -> JmhJsonReader.read(Fixtures.file("empty.json")))
        .isInstanceOf(CompareInputException.class).hasMessageContaining("empty.json: empty file");
    assertThatThrownBy(() -> JmhJsonReader.read(Fixtures.file("corrupt.json")))
        .isInstanceOf(CompareInputException.class).hasMessageContaining("corrupt.json: not valid JSON at line");
    assertThatThrownBy(() -> JmhJsonReader.read(Fixtures.file("not-jmh.json")))
        .isInstanceOf(CompareInputException.class)
        .hasMessageContaining("not-jmh.json: not JMH result JSON: expected an array");
    assertThatThrownBy(() -> JmhJsonReader.read(Fixtures.file("empty-array.json")))
        .isInstanceOf(CompareInputException.class).hasMessageContaining("holds no benchmark results");
    assertThatThrownBy(() -> JmhJsonReader.read(tmp.resolve("nope.json")))
        .isInstanceOf(CompareInputException.class).hasMessageContaining("nope.json: no such file");
    assertThatThrownBy(() -> JmhJsonReader.read(tmp))
        .isInstanceOf(CompareInputException.class).hasMessageContaining("no JMH result JSON found");
  }

  @Test
  void environment_isReadFromEnvJsonBesideTheResultsAndJdkFromJmh() {
    Path run = Fixtures.runFolder(tmp, "run", "base.json");
    Fixtures.env(run, "Test CPU @ 3.0GHz", 2, "17.0.99");
    Environment env = JmhJsonReader.read(run).environment();
    assertThat(env.cpuModel()).isEqualTo("Test CPU @ 3.0GHz");
    assertThat(env.cores()).isEqualTo(2);
    // JMH measured the benchmark JVM, so its jdkVersion wins over the description's.
    assertThat(env.jdkVersion()).isEqualTo("17.0.15");
  }
}
