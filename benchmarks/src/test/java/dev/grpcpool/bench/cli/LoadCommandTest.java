package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link LoadCommand}: a short run's output folder, and bad input refused with exit 2. */
class LoadCommandTest {

  @TempDir
  Path tmp;

  private final CliRun cli = new CliRun();

  @Test
  void shortRun_writesSummaryLogsAndTimeline() throws Exception {
    Path dir = tmp.resolve("run");

    int code = cli.run("load", "--transport", "inprocess", "--backends", "2", "--pool-size", "2", "--rate", "200",
        "--duration", "2s", "--warmup", "0s", "--out", dir.toString(), "--quiet");

    assertThat(code).as(cli.err() + cli.out()).isZero();
    assertThat(cli.out()).startsWith("Verdict: HELD").contains("ok 400", "(achieved)", "corrected", "per backend",
        "backend-0", "backend-1");
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.at("/verdict/outcome").asText()).isEqualTo("HELD");
    assertThat(summary.at("/verdict/exitCode").asInt()).isZero();
    assertThat(summary.get("achievedRate").asDouble()).isBetween(150.0, 250.0);
    assertThat(summary.get("achievedRateUnit").asText()).isEqualTo("ok calls/s");
    long sent = summary.get("sent").asLong();
    assertThat(sent).isEqualTo(400);
    assertThat(summary.get("ok").asLong()).isEqualTo(sent);
    assertThat(summary.get("failedByStatus").size()).isZero();
    assertThat(summary.at("/latency/unit").asText()).isEqualTo("ms");
    assertThat(summary.at("/latency/corrected/p99").asDouble()).isPositive();
    assertThat(summary.at("/latency/uncorrected/p99").asDouble()).isPositive();
    assertThat(summary.at("/configuration/load/rate").asDouble()).isEqualTo(200.0);
    assertThat(summary.at("/configuration/channel/strategy").asText()).isEqualTo("ROUND_ROBIN");
    assertThat(summary.at("/pool/channels").size()).isEqualTo(2);

    List<String> timeline = Files.readAllLines(dir.resolve("timeline.csv"));
    assertThat(timeline.get(0)).startsWith("second,sent,ok,failed,unfinished,p50_ms,p99_ms,max_ms");
    assertThat(timeline).hasSize(3);

    long logged = 0;
    int intervals = 0;
    HistogramLogReader reader = new HistogramLogReader(dir.resolve("latency.hlog").toFile());
    for (Histogram h = (Histogram) reader.nextIntervalHistogram(); h != null;
        h = (Histogram) reader.nextIntervalHistogram()) {
      logged += h.getTotalCount();
      intervals++;
    }
    assertThat(intervals).isEqualTo(2);
    assertThat(logged).isEqualTo(sent);
    assertThat(dir.resolve("latency.hgrm")).isNotEmptyFile();
  }

  @Test
  void selfSizingPool_againstAServerCappedPerConnection_grows_andTimelineAndSummaryShowItsSize() throws Exception {
    Path dir = tmp.resolve("self-sizing");

    // 200 callers of 10 ms calls need 10 connections of 20 streams; the pool starts with one.
    int code = cli.run("load", "--backends", "1", "--max-calls-per-connection", "20", "--io-micros", "10000",
        "--concurrency", "200", "--pool-min", "1", "--pool-max", "16", "--resize-interval", "500ms",
        "--resize-step", "16", "--duration", "4s", "--warmup", "0s", "--out", dir.toString(), "--quiet");

    // Without a warm-up the callers may start after the measurement does (0 calls in flight at its start, 200 at its
    // end): in a closed loop that is no growing queue, and the run holds.
    assertThat(code).as(cli.err() + cli.out()).isZero();
    assertThat(cli.out()).contains("sizes itself, 1..16 channels: 1 at the start of the measurement");
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.get("failed").asLong()).as("exit %d: %s", code, cli.out()).isZero();
    assertThat(summary.at("/configuration/channel/size").asText()).isEqualTo("1..16");
    assertThat(summary.at("/configuration/channel/resizeIntervalMillis").asLong()).isEqualTo(500);
    assertThat(summary.at("/configuration/channel/maxResizeStep").asInt()).isEqualTo(16);
    JsonNode sizing = summary.at("/pool/sizing");
    assertThat(sizing.get("resizesByReason").get("CALLS_QUEUED").asLong()).as("%s", sizing).isPositive();
    assertThat(sizing.get("sizeAtEnd").asInt()).isGreaterThan(1);
    assertThat(summary.at("/pool/queuedCalls").asLong()).isPositive();
    JsonNode perSecond = summary.at("/pool/perSecond");
    assertThat(perSecond.size()).isEqualTo(4);
    assertThat(perSecond.get(3).get("size").asInt()).isGreaterThan(1);

    List<String> timeline = Files.readAllLines(dir.resolve("timeline.csv"));
    assertThat(timeline.get(0)).endsWith(",pool_size,pool_target,pool_in_flight,queued_calls,queued_ms");
    assertThat(timeline).hasSize(5);
    int columns = timeline.get(0).split(",").length;
    for (String row : timeline.subList(1, 5)) {
      String[] f = row.split(",", -1);
      assertThat(f).as(row).hasSize(columns);
      assertThat(Integer.parseInt(f[columns - 5])).as("pool size in %s", row).isBetween(1, 16);
    }
    long queued = timeline.subList(1, 5).stream().mapToLong(r -> Long.parseLong(r.split(",")[columns - 2])).sum();
    assertThat(queued).as("queued calls per second add up to the run's").isEqualTo(
        summary.at("/pool/queuedCalls").asLong());
  }

  @Test
  void rateSteps_lowHighNone_thePoolGrowsWithTheLoadAndShrinksToMinSizeAfterIt() throws Exception {
    Path dir = tmp.resolve("steps");

    // 2,500 calls/s of 10 ms: 25 in flight, more than one connection's 20 streams; then no calls for 4 s.
    int code = cli.run("load", "--backends", "1", "--max-calls-per-connection", "20", "--io-micros", "10000",
        "--rate-steps", "200:2s,2500:3s,0:4s", "--warmup", "0s", "--concurrency", "200", "--pool-min", "1",
        "--pool-max", "16", "--resize-interval", "500ms", "--resize-step", "16", "--out", dir.toString(),
        "--quiet");

    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.get("failed").asLong()).as("exit %d: %s", code, cli.out()).isZero();
    assertThat(summary.get("measuredSeconds").asDouble()).isCloseTo(9.0, org.assertj.core.data.Offset.offset(0.5));
    assertThat(summary.at("/configuration/load/rateSteps").toString())
        .isEqualTo("[\"200/s for 2s\",\"2,500/s for 3s\",\"0/s for 4s\"]");
    assertThat(cli.out()).contains("open loop at steps of 200/s for 2s, then 2,500/s for 3s, then 0/s for 4s");
    List<String> timeline = Files.readAllLines(dir.resolve("timeline.csv"));
    assertThat(timeline).as("a row per second, those without calls too").hasSize(10);
    int columns = timeline.get(0).split(",").length;
    int[] size = column(timeline, columns - 5);
    int[] inFlight = column(timeline, columns - 3);
    String seconds = "channels " + java.util.Arrays.toString(size) + ", in flight " + java.util.Arrays.toString(inFlight);
    assertThat(java.util.Arrays.stream(size, 2, 5).max().getAsInt()).as(seconds).isGreaterThan(1);
    // The load has stopped once a second ends with no call in flight (a slow machine may still be serving the high
    // step's calls early in the last step); a second later, two resize intervals, the pool is back at one channel.
    int stopped = java.util.stream.IntStream.range(5, 9).filter(i -> inFlight[i] == 0).findFirst().orElse(9);
    assertThat(stopped).as("the second the load stopped, %s", seconds).isLessThanOrEqualTo(7);
    assertThat(size[8]).as(seconds).isEqualTo(1);
    // Seconds in which no call was meant to start have no intended-start figures.
    assertThat(timeline.get(8).split(",", -1)[1]).as("sent in second 7").isIn("", "0");
  }

  private static int[] column(List<String> timeline, int column) {
    return timeline.subList(1, timeline.size()).stream().mapToInt(r -> Integer.parseInt(r.split(",", -1)[column]))
        .toArray();
  }

  @Test
  void behindAnL4Balancer_eachChannelReachesOneBackend_andTheSummaryShowsTheSpread() throws Exception {
    Path dir = tmp.resolve("l4");

    // Round robin over 3 backends with 2 channels: backend-2 gets no connection, so no call.
    int code = cli.run("load", "--backends", "3", "--l4", "round-robin", "--workers", "4", "--pool-size", "2",
        "--concurrency", "4", "--duration", "2s", "--warmup", "0s", "--out", dir.toString(), "--quiet");

    assertThat(code).as(cli.err() + cli.out()).isZero();
    assertThat(cli.out()).contains("L4 round-robin: connections per backend [1, 1, 0]");
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.at("/configuration/l4").asText()).isEqualTo("round-robin");
    assertThat(summary.at("/l4/connectionsPerBackend").toString()).isEqualTo("[1,1,0]");
    JsonNode calls = summary.at("/l4/okCallsPerBackend");
    assertThat(calls.get(0).asLong()).isPositive();
    assertThat(calls.get(1).asLong()).isPositive();
    assertThat(calls.get(2).asLong()).isZero();
    // Two of three backends share the calls: the busiest has at least 1.5 times the mean.
    assertThat(summary.at("/l4/imbalance").asDouble()).isGreaterThanOrEqualTo(1.5);
  }

  @Test
  void nettyFleetWithKill_showsErrorsOnlyFromTheSecondOfTheKill() throws Exception {
    Path dir = tmp.resolve("kill");

    int code = cli.run("load", "--backends", "3", "--pool-size", "3", "--strategy", "round_robin", "--rate", "300",
        "--duration", "3s", "--warmup", "0s", "--deadline", "2s", "--fault", "kill:1@1500ms", "--out",
        dir.toString(), "--quiet");

    // A third of the calls fail from the kill on: more than the 1 % allowed.
    assertThat(code).as(cli.err() + cli.out()).isEqualTo(1);
    assertThat(cli.out()).startsWith("Verdict: ERRORS (exit 1): too many calls failed:");
    List<String> timeline = Files.readAllLines(dir.resolve("timeline.csv"));
    assertThat(timeline.get(1).split(",")[3]).as("failed in second 0").isEqualTo("0");
    assertThat(Long.parseLong(timeline.get(3).split(",")[3])).as("failed in second 2").isPositive();
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.at("/verdict/outcome").asText()).isEqualTo("ERRORS");
    assertThat(summary.at("/faults/0/fault").asText()).isEqualTo("kill:1@1500ms");
    assertThat(summary.at("/faults/0/error").isMissingNode()).isTrue();
    long failed = summary.get("failed").asLong();
    assertThat(failed).isPositive();
    for (JsonNode b : summary.get("backends")) {
      assertThat(b.get("failed").asLong()).as(b.get("name").asText())
          .isEqualTo(b.get("name").asText().equals("backend-1") ? failed : 0);
    }
  }

  @Test
  void findMax_printsTheStepsAndTheAnswer_writesThem() throws Exception {
    Path dir = tmp.resolve("max");

    // 4 calls in flight at most, 5 ms each: at most 800 calls/s.
    int code = cli.run("load", "--find-max", "--slo", "p99=2s", "--transport", "inprocess", "--backends", "1",
        "--pool-size", "1", "--concurrency", "4", "--io-micros", "5000", "--duration", "1s", "--warmup", "500ms",
        "--out", dir.toString(), "--quiet");

    assertThat(code).as(cli.err() + cli.out()).isZero();
    assertThat(cli.out()).contains("probe", "bisect", "Highest rate that held p99=2s");
    JsonNode result = new ObjectMapper().readTree(dir.resolve("find-max.json").toFile());
    assertThat(result.get("maxRate").asDouble()).isBetween(400.0, 820.0);
    assertThat(dir.resolve("find-max.csv")).isNotEmptyFile();
    assertThat(dir.resolve("step-00-probe").resolve("summary.json")).isNotEmptyFile();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--rate 0                                    | rate must be > 0",
      "--rate -5                                   | rate must be > 0",
      "--concurrency 0                             | concurrency must be in 1..100000",
      "--payload 10                                | give --rate",
      "--rate 10 --strategy FASTEST                | --strategy': expected one of [ROUND_ROBIN, HEALTHY_FIRST, LEAST_IN_FLIGHT, POWER_OF_TWO_CHOICES] (case-insensitive) but was 'FASTEST'",
      "--rate 10 --single-channel --strategy HEALTHY_FIRST | --single-channel has no pool to pick from",
      "--rate 10 --single-channel --metrics-port 0 | --single-channel has no pool metrics",
      "--rate 10 --fault kill:x@1s                 | bad fault 'kill:x@1s'",
      "--rate 10 --fault explode:1@1s              | unknown action 'explode'",
      "--rate 10 --fault slow:0@1s                 | slow needs the extra latency",
      "--rate 10 --fault kill:7@1s                 | there are only 3 backends",
      "--rate 10 --fault kill:1@5s                 | is not inside the run's duration",
      "--rate 10 --pool-size many                  | --pool-size must be a number or auto",
      "--rate 10 --work heavy                      | --work': expected one of [NONE, CPU, IO, MIXED] (case-insensitive) but was 'heavy'",
      "--rate 10 --arrivals bursty                 | --arrivals': expected one of [UNIFORM, POISSON] (case-insensitive) but was 'bursty'",
      "--rate 10 --target 127.0.0.1:1 --fault kill:0@1s | cannot be used with --target",
      "--rate 10 --warmup soon                     | --warmup: 'soon' is not a duration",
      "--rate 10 --max-errors 150                  | --max-errors must be a percentage in 0..100",
      "--rate 10 --slo p99=50ms                    | --slo is the objective of --find-max",
      "--find-max --rate 10                        | --find-max picks the rates itself",
      "--find-max --slo p100=1ms                   | percentile must be in (0, 100)",
      "--find-max --slo fast                       | use a form like p99=50ms",
      "--find-max --fault kill:0@1s                | --fault cannot be used with --find-max",
      "--rate 10 --l4 random                       | an L4 balancer needs TCP",
      "--rate 10 --l4 leastconn                    | L4 mode must be random, round-robin or least-connections",
      "--rate 10 --l4-delay 2ms                    | --l4-delay needs --l4",
      "--rate 10 --target 127.0.0.1:1 --workers 2  | are for the embedded fleet, not --target",
  })
  void badInput_exitsTwoWithOneLineMessage(String args, String message) {
    int code = cli.run(("load --transport inprocess --duration 2s " + args.trim()).split("\\s+"));

    assertThat(code).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(cli.err()).contains(message).contains("--help");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void unreachableTarget_exitsTwoNamingTheTarget() {
    Path dir = tmp.resolve("never");

    int code = cli.run("load", "--target", "127.0.0.1:1", "--rate", "10", "--duration", "1s", "--deadline", "2s",
        "--pool-size", "1", "--out", dir.toString(), "--quiet");

    assertThat(code).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(cli.err()).contains("127.0.0.1:1 is unreachable");
    assertThat(dir).doesNotExist();
  }

  @Test
  void nonEmptyOut_isRefusedAndLeftUntouched() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("taken"));
    Path earlier = Files.writeString(dir.resolve("summary.json"), "{\"earlier\": true}");

    int code = cli.run("load", "--transport", "inprocess", "--rate", "10", "--duration", "1s", "--out",
        dir.toString());

    assertThat(code).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(cli.err()).contains("is not empty; refusing to overwrite");
    assertThat(Files.readString(earlier)).isEqualTo("{\"earlier\": true}");
    assertThat(Files.list(dir)).hasSize(1);
  }
}
