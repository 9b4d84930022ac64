package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ReportCommand}: a report of a real run, and bad input refused with exit 2. */
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
}
