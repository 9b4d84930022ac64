package dev.grpcpool.bench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link RunFolder}. */
class RunFolderTest {

  private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path base;

  @AfterEach
  void clearProperty() {
    System.clearProperty(RunFolder.RESULTS_DIR_PROPERTY);
  }

  @Test
  void create_namesFolderAfterUtcStartAndLabel() {
    RunFolder folder = RunFolder.create(base, "jmh", START);

    assertThat(folder.path()).isEqualTo(base.resolve("20260102-030405-jmh"));
    assertThat(folder.path()).isDirectory();
  }

  @Test
  void create_sameNameTwice_neverReusesTheFolder() {
    Set<Path> seen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      seen.add(RunFolder.create(base, "load", START).path());
    }

    assertThat(seen).containsExactlyInAnyOrder(
        base.resolve("20260102-030405-load"),
        base.resolve("20260102-030405-load-2"),
        base.resolve("20260102-030405-load-3"));
  }

  @Test
  void create_unsafeLabel_isSanitized() {
    RunFolder folder = RunFolder.create(base, "a/b c", START);

    assertThat(folder.path().getFileName().toString()).isEqualTo("20260102-030405-a-b-c");
    assertThat(folder.path().getParent()).isEqualTo(base);
  }

  @Test
  void forRun_sameRunId_rejoinsFolder_otherRunId_getsNewOne() {
    RunFolder first = RunFolder.forRun(base, "jmh", START, "pid-1");
    RunFolder again = RunFolder.forRun(base, "jmh", START, "pid-1");
    RunFolder other = RunFolder.forRun(base, "jmh", START, "pid-2");

    assertThat(again.path()).isEqualTo(first.path());
    assertThat(other.path()).isNotEqualTo(first.path());
    assertThat(other.path().getFileName().toString()).endsWith("-2");
  }

  @Test
  void forRun_folderMadeWithoutRunId_isNotReused() {
    RunFolder plain = RunFolder.create(base, "jmh", START);

    RunFolder run = RunFolder.forRun(base, "jmh", START, "pid-1");

    assertThat(run.path()).isNotEqualTo(plain.path());
  }

  @Test
  void forRunExplicitFolder_ofAnotherRun_isRefused() {
    Path dir = base.resolve("nightly");
    RunFolder.forRun(dir, "run-a");

    assertThat(RunFolder.forRun(dir, "run-a").path()).isEqualTo(dir);
    assertThatThrownBy(() -> RunFolder.forRun(dir, "run-b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("belongs to another run");
  }

  @Test
  void newFile_existingName_getsSuffixAndKeepsOldContent() throws Exception {
    RunFolder folder = RunFolder.create(base, "jmh", START);
    Path first = folder.newFile("case.hlog");
    Files.writeString(first, "kept");

    Path second = folder.newFile("case.hlog");

    assertThat(second.getFileName().toString()).isEqualTo("case-2.hlog");
    assertThat(first).hasContent("kept");
  }

  @Test
  void baseDir_followsSystemProperty() {
    System.setProperty(RunFolder.RESULTS_DIR_PROPERTY, base.toString());

    assertThat(RunFolder.baseDir()).isEqualTo(base);
    assertThat(RunFolder.create("x").path().getParent()).isEqualTo(base);
  }

  @Test
  void baseDir_defaultsToResultsWhenNothingIsSet() {
    System.clearProperty(RunFolder.RESULTS_DIR_PROPERTY);
    String env = System.getenv(RunFolder.RESULTS_DIR_ENV);

    assertThat(RunFolder.baseDir()).isEqualTo(env == null || env.isBlank() ? Path.of("results") : Path.of(env));
  }
}
