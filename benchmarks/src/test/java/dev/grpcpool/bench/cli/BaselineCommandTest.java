package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcpool.bench.compare.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link BaselineCommand}: save with the machine description, refuse to overwrite, record-env. */
class BaselineCommandTest {

  @TempDir
  Path tmp;

  private final CliRun cli = new CliRun();

  @Test
  void save_copiesRunAndRecordsMachine_thenCompareAgainstItPasses() throws IOException {
    Path run = Fixtures.runFolder(tmp, "run1", "base.json");
    Files.writeString(run.resolve("pick.hgrm"), "#[no rows]\n");
    Path baseline = tmp.resolve("results/baseline");

    assertThat(cli.run("baseline", "save", run.toString(), "--to", baseline.toString())).isZero();
    assertThat(baseline.resolve("jmh-result.json")).hasSameTextualContentAs(run.resolve("jmh-result.json"));
    assertThat(baseline.resolve("pick.hgrm")).exists();
    assertThat(Files.readString(baseline.resolve("env.json"))).contains("\"cores\" : "
        + Runtime.getRuntime().availableProcessors());
    assertThat(cli.out()).contains("this machine was recorded");
    assertThat(run).isDirectoryNotContaining("glob:**/env.json");
  }

  @Test
  void save_keepsTheRunsOwnEnvJson() {
    Path run = Fixtures.runFolder(tmp, "run1", "base.json");
    Fixtures.env(run, "Recorded CPU", 16, "17.0.15");
    Path baseline = tmp.resolve("baseline");
    assertThat(cli.run("baseline", "save", run.toString(), "--to", baseline.toString())).isZero();
    assertThat(baseline.resolve("env.json")).content().contains("Recorded CPU");
  }

  @Test
  void save_neverOverwritesWithoutForce() throws IOException {
    Path first = Fixtures.runFolder(tmp, "run1", "base.json");
    Path second = Fixtures.runFolder(tmp, "run2", "rr-drop30.json");
    Path baseline = tmp.resolve("baseline");
    assertThat(cli.run("baseline", "save", first.toString(), "--to", baseline.toString())).isZero();

    assertThat(cli.run("baseline", "save", second.toString(), "--to", baseline.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("already holds a baseline", "--force");
    assertThat(baseline.resolve("jmh-result.json")).hasSameTextualContentAs(first.resolve("jmh-result.json"));

    assertThat(cli.run("baseline", "save", second.toString(), "--to", baseline.toString(), "--force")).isZero();
    assertThat(baseline.resolve("jmh-result.json")).hasSameTextualContentAs(second.resolve("jmh-result.json"));
    try (var leftovers = Files.list(tmp)) {
      assertThat(leftovers).noneMatch(p -> p.getFileName().toString().startsWith(".baseline-"));
    }
  }

  @Test
  void save_runWithoutJmhJson_exit2AndNothingWritten() throws IOException {
    Path run = Files.createDirectories(tmp.resolve("empty-run"));
    Path baseline = tmp.resolve("baseline");
    assertThat(cli.run("baseline", "save", run.toString(), "--to", baseline.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("no JMH result JSON found");
    assertThat(baseline).doesNotExist();
  }

  @Test
  void recordEnv_writesOnce() {
    Path run = Fixtures.runFolder(tmp, "run1", "base.json");
    assertThat(cli.run("baseline", "record-env", run.toString())).isZero();
    assertThat(run.resolve("env.json")).content().contains("cpuModel", "jdkVersion");
    assertThat(cli.run("baseline", "record-env", run.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("exists already");
  }
}
