package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link LoadRun}: the Ctrl-C path still writes what was measured. */
class LoadRunTest {
  @TempDir
  Path tmp;

  private LoadTarget target;

  @AfterEach
  void tearDown() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void stoppedRun_writesPartialResultsMarkedInterrupted() throws Exception {
    target = LoadTarget.embedded(LoadTarget.Transport.INPROCESS, 2, 0);
    Path dir = tmp.resolve("partial");
    LoadSpec spec = LoadSpec.openLoop(200).duration(Duration.ofMinutes(5)).build();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    LoadRun run = new LoadRun(target, RunSettings.of(spec).withPoolSize(2).withOut(dir),
        new PrintWriter(out, true), new PrintWriter(err, true));
    CompletableFuture<LoadResult> result = CompletableFuture.supplyAsync(() -> {
      try {
        return run.execute();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> run.output() != null
        && target.fleet().callsServed() > 200);

    run.stop();

    assertThat(run.awaitWritten(Duration.ofSeconds(30))).isTrue();
    LoadResult r = result.get();
    assertThat(r.interrupted()).isTrue();
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.get("interrupted").asBoolean()).isTrue();
    assertThat(summary.get("sent").asLong()).isEqualTo(r.sent()).isGreaterThan(100);
    assertThat(summary.get("measuredSeconds").asDouble()).isLessThan(60);
    assertThat(dir.resolve("latency.hlog")).isNotEmptyFile();
    assertThat(dir.resolve("timeline.csv")).isNotEmptyFile();
    assertThat(out.toString()).contains("INTERRUPTED");
  }

  @Test
  void metricsPort_servesThePoolMetricsWhileTheRunLasts() throws Exception {
    target = LoadTarget.embedded(LoadTarget.Transport.INPROCESS, 2, 0);
    LoadSpec spec = LoadSpec.openLoop(100).duration(Duration.ofMinutes(5)).build();
    StringWriter err = new StringWriter();
    RunSettings settings = RunSettings.of(spec).withPoolSize(2).withOut(tmp.resolve("m"));
    settings = new RunSettings(settings.spec(), settings.channels(), settings.poolSize(), null,
        settings.workload(), null, settings.healthInterval(), settings.faults(), settings.out(), false, 0);
    LoadRun run = new LoadRun(target, settings, new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true));
    CompletableFuture<LoadResult> result = CompletableFuture.supplyAsync(() -> {
      try {
        return run.execute();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> err.toString().contains("pool metrics at http://"));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("pool metrics at (\\S+)").matcher(err.toString());
      assertThat(m.find()).isTrue();
      java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1))).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("grpc_pool_size", "grpc_pool_calls");
    } finally {
      run.stop();
      result.get();
    }
  }
}
