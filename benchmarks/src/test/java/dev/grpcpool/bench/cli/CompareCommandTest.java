package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.compare.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link CompareCommand}: exit codes, messages and output files, run through the CLI. */
class CompareCommandTest {

  @TempDir
  Path tmp;

  private final CliRun cli = new CliRun();

  private static String f(String fixture) {
    return Fixtures.file(fixture).toString();
  }

  @Test
  void identical_exit0() {
    assertThat(cli.run("compare", f("base.json"), f("base.json"))).isZero();
    assertThat(cli.out()).contains("0 regressed").doesNotContain("inconclusive  ");
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void thirtyPercentDrop_exit1_namingBenchmarkAndParams() {
    assertThat(cli.run("compare", f("base.json"), f("rr-drop30.json"))).isEqualTo(1);
    String regressedLine = cli.out().lines().filter(l -> l.contains("regressed  ")).findFirst().orElse("");
    assertThat(regressedLine).contains("PickOverheadBenchmark.pick", "strategy=ROUND_ROBIN", "-29.5%");
  }

  @Test
  void thresholdOption_acceptsPercentSign() {
    assertThat(cli.run("compare", "--threshold", "40%", f("base.json"), f("rr-drop30.json"))).isZero();
    assertThat(cli.out()).contains("exceed ±40%");
  }

  @Test
  void badInput_exit2_withOneLineMessageNamingTheFile() {
    String[][] cases = {
        {f("empty.json"), "empty.json: empty file"},
        {f("corrupt.json"), "corrupt.json: not valid JSON"},
        {f("not-jmh.json"), "not-jmh.json: not JMH result JSON"},
        {tmp.resolve("absent.json").toString(), "absent.json: no such file"},
    };
    for (String[] c : cases) {
      cli.clear();
      assertThat(cli.run("compare", f("base.json"), c[0])).as(c[0]).isEqualTo(2);
      assertThat(cli.err().lines().findFirst().orElse("")).startsWith("compare: ").contains(c[1]);
      assertThat(cli.err()).contains("--help").doesNotContain("Exception");
      assertThat(cli.out()).isEmpty();
    }
    assertThat(cli.run("compare", "--threshold", "ten", f("base.json"), f("base.json"))).isEqualTo(2);
    assertThat(cli.run("compare", "--threshold", "0", f("base.json"), f("base.json"))).isEqualTo(2);
    assertThat(cli.run("compare", f("base.json"))).isEqualTo(2);
  }

  @Test
  void markdownAndJson_written_andNeverOverwritten() throws IOException {
    Path md = tmp.resolve("out/summary.md");
    Path json = tmp.resolve("out/verdicts.json");
    Path rerun = tmp.resolve("out/regressed.txt");
    int code = cli.run("compare", "--markdown", md.toString(), "--json", json.toString(), "--regressed",
        rerun.toString(), f("base.json"), f("rr-drop30.json"));
    assertThat(code).isEqualTo(1);
    assertThat(Files.readString(md)).contains("### Benchmark comparison: regression found",
        "| PickOverheadBenchmark.pick | poolSize=4, strategy=ROUND_ROBIN |");
    JsonNode verdicts = new ObjectMapper().readTree(json.toFile());
    assertThat(verdicts.at("/summary/regressed").asInt()).isEqualTo(1);
    assertThat(verdicts.at("/summary/exitCode").asInt()).isEqualTo(1);
    // One line per regressed key, with JMH options that select exactly that key again.
    assertThat(Files.readAllLines(rerun)).containsExactly(
        "PickOverheadBenchmark.pick [thrpt, 1 thread, poolSize=4, strategy=ROUND_ROBIN]\t"
            + "^dev\\.grpcpool\\.bench\\.PickOverheadBenchmark\\.pick$ -bm thrpt -t 1 -p poolSize=4 "
            + "-p strategy=ROUND_ROBIN");

    String before = Files.readString(json);
    assertThat(cli.run("compare", "--json", json.toString(), f("base.json"), f("base.json"))).isEqualTo(2);
    assertThat(cli.err()).contains("file exists; not overwritten");
    assertThat(Files.readString(json)).isEqualTo(before);
  }

  @Test
  void differentMachines_exit2_unlessAllowed() {
    Path base = Fixtures.runFolder(tmp, "base", "base.json");
    Fixtures.env(base, "CPU A", 2, "17.0.15");
    Path cand = Fixtures.runFolder(tmp, "cand", "rerun.json");
    Fixtures.env(cand, "CPU B", 2, "17.0.15");
    assertThat(cli.run("compare", base.toString(), cand.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("different machines", "CPU 'CPU A' vs 'CPU B'");
    assertThat(cli.run("compare", "--allow-env-mismatch", base.toString(), cand.toString())).isZero();
  }
}
