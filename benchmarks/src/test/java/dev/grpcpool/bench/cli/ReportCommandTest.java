package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcpool.bench.load.RunOutput;
import dev.grpcpool.bench.load.html.SyntheticRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link ReportCommand}: a report of a real run, and bad input refused with exit 2, one or two lines on
 * standard error naming the problem, nothing on standard output, and no file created or changed.
 */
class ReportCommandTest {
  @TempDir
  Path tmp;

  private final CliRun cli = new CliRun();

  @Test
  void reportOfALoadRun_isWrittenIntoItsFolder() throws Exception {
    Path dir = tmp.resolve("run");
    assertThat(cli.run("load", "--transport", "inprocess", "--backends", "1", "--concurrency", "2", "--duration", "1s",
        "--warmup", "0s", "--out", dir.toString(), "--quiet")).as(cli.err()).isZero();

    int code = cli.run("report", dir.toString());

    assertThat(code).as(cli.err()).isZero();
    assertThat(dir.resolve("report.html")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg", "closed-loop");
    assertThat(cli.out()).contains("Report: ");
  }

  @Test
  void missingFolder_exitsTwo() {
    assertThat(cli.run("report", tmp.resolve("nope").toString())).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(cli.err()).contains("is not a directory");
  }

  @Test
  void folderWithoutIntervalLog_exitsTwo() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));

    assertThat(cli.run("report", empty.toString())).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(cli.err()).contains("not a load run folder");
  }

  @Test
  void existingOutFile_isNotOverwritten() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("x"));
    Path page = Files.writeString(tmp.resolve("page.html"), "mine");

    assertThat(cli.run("report", dir.toString(), "--out", page.toString())).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(Files.readString(page)).isEqualTo("mine");
  }

  // ---------------------------------------------------------------- error paths

  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void outInAFolderThatDoesNotExist_exitsTwo() throws Exception {
    Path run = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("run"));
    Path out = tmp.resolve("nope/dir/x.html");

    assertRefused(run, "folder " + tmp.resolve("nope/dir") + " does not exist", "report", run.toString(), "--out",
        out.toString());
    assertThat(tmp.resolve("nope")).doesNotExist();
  }

  @Test
  void outUnderAFile_exitsTwo() throws Exception {
    Path run = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("run"));
    Path file = Files.writeString(tmp.resolve("plain"), "x");

    assertRefused(run, "is not a folder", "report", run.toString(), "--out", file.resolve("x.html").toString());
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void outInAFolderThatIsNotWritable_exitsTwo() throws Exception {
    Path run = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("run"));
    Path locked = Files.createDirectories(tmp.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Assumptions.assumeFalse(Files.isWritable(locked), "the user can write anywhere (root)");

      assertRefused(run, "is not writable", "report", run.toString(), "--out", locked.resolve("x.html").toString());
      assertThat(locked).isEmptyDirectory();
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void outThatExists_exitsTwoAndKeepsIt() throws Exception {
    Path run = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("run"));
    Path page = Files.writeString(tmp.resolve("page.html"), "mine");

    assertRefused(run, "already exists", "report", run.toString(), "--out", page.toString());
    assertThat(Files.readString(page)).isEqualTo("mine");
  }

  @Test
  void runWithoutSummary_exitsTwo() throws Exception {
    Path run = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("run"));
    Files.delete(run.resolve(RunOutput.SUMMARY));

    assertRefused(run, "not a load run folder: no summary.json", "report", run.toString());
  }

  @Test
  void runWithoutIntervalLog_exitsTwo() throws Exception {
    Path run = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("run"));
    Files.delete(run.resolve(RunOutput.LATENCY_HLOG));

    assertRefused(run, "not a load run folder: no latency.hlog", "report", run.toString());
  }

  @Test
  void truncatedSummary_exitsTwo() throws Exception {
    Path run = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("run"));
    Path summary = run.resolve(RunOutput.SUMMARY);
    String json = Files.readString(summary);
    Files.writeString(summary, json.substring(0, json.length() / 2));

    assertRefused(run, "summary.json is not valid JSON (truncated?)", "report", run.toString());
  }

  @Test
  void summaryOfSomethingElse_exitsTwo() throws Exception {
    Path run = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("run"));
    Files.writeString(run.resolve(RunOutput.SUMMARY), "{\"benchmark\": \"x\"}");

    assertRefused(run, "has no \"startTime\": not a load run summary", "report", run.toString());
  }

  @Test
  void mergeOfRunsThatNeverOverlapped_exitsTwoWithoutCreatingAFolder() throws Exception {
    Path a = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("a"));
    Path b = SyntheticRun.startingAt(T0.plusSeconds(30)).writeTo(tmp.resolve("b"));
    Path out = tmp.resolve("merged.html");

    assertRefused(a, "overlapped no other run", "report", a.toString(), b.toString(), "--merge", "--out",
        out.toString());
    assertThat(out).doesNotExist();
  }

  @Test
  void mergeWithAGap_warnsOnOneLineAndStillWrites() {
    Path a = SyntheticRun.startingAt(T0).writeTo(tmp.resolve("a"));
    Path b = SyntheticRun.startingAt(T0.plusSeconds(5)).writeTo(tmp.resolve("b"));
    Path c = SyntheticRun.startingAt(T0.plusSeconds(25)).writeTo(tmp.resolve("c"));
    Path d = SyntheticRun.startingAt(T0.plusSeconds(28)).writeTo(tmp.resolve("d"));
    Path out = tmp.resolve("merged.html");

    int code = cli.run("report", a.toString(), b.toString(), c.toString(), d.toString(), "--merge", "--out",
        out.toString());

    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.err().lines().toList()).singleElement().asString()
        .startsWith("report: warning: ").contains("10 s", "t = 15-24 s");
    assertThat(out).isNotEmptyFile();
  }

  /** Runs the command; checks exit 2, a short message containing {@code expected}, and {@code run} unchanged. */
  private void assertRefused(Path run, String expected, String... args) throws IOException {
    List<String> before = listing(run);

    int code = cli.run(args);

    assertThat(code).as(cli.err()).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    List<String> lines = cli.err().lines().toList();
    assertThat(lines).as(cli.err()).hasSizeBetween(1, 2);
    assertThat(lines.get(0)).startsWith("report: ").contains(expected);
    assertThat(cli.err()).doesNotContain("Exception", "\tat ");
    assertThat(cli.out()).isEmpty();
    assertThat(listing(run)).as("files of %s", run).isEqualTo(before);
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName() + ":" + p.toFile().length()).sorted().toList();
    }
  }
}
