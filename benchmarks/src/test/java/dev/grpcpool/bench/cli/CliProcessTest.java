package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.load.RunOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code grpcpool} as a user runs it, in a child JVM through its {@code main}: what reaches the console when a
 * library has something to say, and what SIGTERM leaves behind. Standard error is merged into standard output.
 */
class CliProcessTest {

  /** How long a stop on SIGTERM may take here: 2 s is the goal, the rest is room for a busy CI machine. */
  private static final Duration STOPS_WITHIN = Duration.ofSeconds(5);

  @TempDir
  Path tmp;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private Process process;

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void unresolvableHost_isTwoLines_withoutGrpcWarnings_andWritesNothing() throws Exception {
    Path out = tmp.resolve("never");
    process = CliRun.startProcess(lines, "load", "--target", "nohost.invalid:443", "--concurrency", "2",
        "--duration", "1s", "--out", out.toString());

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    awaitOutputClosed();

    assertThat(process.exitValue()).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(lines).as("everything the process printed").hasSize(2);
    assertThat(lines.get(0)).startsWith("load: ").contains("nohost.invalid");
    assertThat(lines.get(1)).contains("--help");
    assertThat(out).doesNotExist();
  }

  @ParameterizedTest(name = "SIGTERM during the {0}")
  @ValueSource(strings = {"warm-up", "measurement"})
  void sigterm_stopsWithinSeconds_keepingPartialResults_withAQuietConsole(String phase) throws Exception {
    Path out = tmp.resolve("run");
    // The default warm-up (until steady) prints a line a second; a fixed one prints none.
    process = CliRun.startProcess(lines, "load", "--concurrency", "4", "--warmup",
        phase.equals("warm-up") ? "auto" : "1s", "--duration", "60s", "--out", out.toString());
    String seen = phase.equals("warm-up") ? "[warm-up" : "[  2";
    await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(l -> l.startsWith(seen)));

    long signalled = System.nanoTime();
    process.destroy();
    assertThat(process.waitFor(STOPS_WITHIN.toMillis(), TimeUnit.MILLISECONDS))
        .as("stopped within %s of SIGTERM", STOPS_WITHIN).isTrue();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);

    JsonNode summary = new ObjectMapper().readTree(out.resolve(RunOutput.SUMMARY).toFile());
    assertThat(summary.path("interrupted").asBoolean()).as("summary after %d ms", tookMillis).isTrue();
    assertThat(out.resolve(RunOutput.LATENCY_HLOG)).exists();
    assertThat(out.resolve(RunOutput.LOG)).exists();
    awaitOutputClosed();
    assertThat(lines).as("console").noneMatch(l -> l.startsWith("WARNING") || l.startsWith("SEVERE")
        || l.startsWith("\tat ") || l.contains("Exception"));
  }

  /** The process has ended and its output reader has stopped adding lines. */
  private void awaitOutputClosed() {
    int[] last = {-1};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
      int now = lines.size();
      boolean stable = now == last[0];
      last[0] = now;
      return !process.isAlive() && stable;
    });
  }
}
