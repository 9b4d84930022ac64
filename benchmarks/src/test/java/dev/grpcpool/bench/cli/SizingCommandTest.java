package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Tests for {@link SizingCommand}, run through {@link GrpcPoolCli#commandLine()}. */
class SizingCommandTest {

  private final CliRun cli = new CliRun();

  // ---------------------------------------------------------------- rule of thumb

  @Test
  void ioWorkloadOnEightCores_recommends24AndExplainsTheRule() {
    int code = cli.run("sizing", "--workload", "io", "--cores", "8");

    assertThat(code).isEqualTo(0);
    assertThat(cli.out())
        .contains("24 channels for io work on 8 cores")
        .contains("cores × 3 = 8 × 3 = 24")
        .contains("CPU-bound = cores, I/O-bound = cores × 3")
        .doesNotContain("this machine");
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void highConcurrency_appliesFactor() {
    cli.run("sizing", "--workload", "mixed", "--high-concurrency", "--cores", "8");

    assertThat(cli.out()).contains("15 channels for mixed work under high concurrency on 8 cores");
  }

  @Test
  void noCores_usesThisMachine() throws Exception {
    int code = cli.run("sizing", "--workload", "cpu", "--json");

    JsonNode json = new ObjectMapper().readTree(cli.out());
    int machine = Runtime.getRuntime().availableProcessors();
    assertThat(code).isEqualTo(0);
    assertThat(json.get("cores").asInt()).isEqualTo(machine);
    assertThat(json.get("coresFromMachine").asBoolean()).isTrue();
    assertThat(json.get("recommended").asInt()).isEqualTo(Math.max(2, machine));
  }

  @Test
  void json_isOneObjectWithTheRequiredFields() throws Exception {
    int code = cli.run("sizing", "--workload", "io", "--high-concurrency", "--cores", "64", "--json");

    JsonNode json = new ObjectMapper().readTree(cli.out());
    assertThat(code).isEqualTo(0);
    assertThat(json.isObject()).isTrue();
    assertThat(json.get("workload").asText()).isEqualTo("io");
    assertThat(json.get("highConcurrency").asBoolean()).isTrue();
    assertThat(json.get("cores").asInt()).isEqualTo(64);
    assertThat(json.get("recommended").asInt()).isEqualTo(249);
    assertThat(json.has("littlesLawRecommended")).isFalse();
  }

  // ---------------------------------------------------------------- Little's law

  @Test
  void rateAndLatency_addLittlesLawBesideTheRuleOfThumb() {
    int code = cli.run("sizing", "--workload", "cpu", "--cores", "2", "--rate", "5000", "--latency", "20ms");

    assertThat(code).isEqualTo(0);
    assertThat(cli.out())
        .contains("Rule of thumb: 2 channels")
        .contains("Little's law: 2 channels for 5000 calls/s at 20 ms each")
        .contains("= 100 calls in flight");
  }

  @Test
  void littlesLawJson_carriesItsFields() throws Exception {
    int code = cli.run("sizing", "--workload", "io", "--cores", "4", "--rate", "3000", "--latency", "100ms",
        "--streams-per-channel", "20", "--max-streams", "50", "--json");

    JsonNode json = new ObjectMapper().readTree(cli.out());
    assertThat(code).isEqualTo(0);
    assertThat(json.get("recommended").asInt()).isEqualTo(12);
    assertThat(json.get("ratePerSecond").asDouble()).isEqualTo(3000.0);
    assertThat(json.get("latencyMillis").asDouble()).isEqualTo(100.0);
    assertThat(json.get("streamsPerChannel").asInt()).isEqualTo(20);
    assertThat(json.get("maxStreamsPerConnection").asInt()).isEqualTo(50);
    assertThat(json.get("concurrency").asDouble()).isEqualTo(300.0);
    assertThat(json.get("littlesLawRecommended").asInt()).isEqualTo(15);
  }

  // ---------------------------------------------------------------- behind a layer-4 balancer

  @Test
  void l4Backends_addTheBallsIntoBinsAnswer() {
    int code = cli.run("sizing", "--workload", "io", "--cores", "2", "--l4-backends", "4");

    assertThat(code).isEqualTo(0);
    assertThat(cli.out())
        .contains("Behind a layer-4 balancer: 9 channels for 4 backends")
        .contains("9 channels at random over 4 backends: 3.70 backends reached on average (92 %")
        .contains("round robin is held to the busiest backend: 61 % on average");
  }

  @Test
  void l4Json_carriesItsFields() throws Exception {
    int code = cli.run("sizing", "--l4-backends", "10", "--json");

    JsonNode json = new ObjectMapper().readTree(cli.out());
    assertThat(code).isEqualTo(0);
    assertThat(json.get("l4Backends").asInt()).isEqualTo(10);
    assertThat(json.get("l4Recommended").asInt()).isEqualTo(22);
    assertThat(json.get("l4LeastLoadedShare").asDouble()).isBetween(0.9, 0.91);
    assertThat(json.get("l4RoundRobinShare").asDouble()).isBetween(0.2, 0.6);
  }

  @Test
  void l4BackendsOutOfRange_exits2() {
    int code = cli.run("sizing", "--l4-backends", "0");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err()).contains("--l4-backends must be between 1 and 333, was 0");
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void unknownWorkload_exits2NamingIt() {
    int code = cli.run("sizing", "--workload", "gpu");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err()).contains("--workload': expected one of [NONE, CPU, IO, MIXED] (case-insensitive) but was 'gpu'").contains("--help");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void zeroCores_exits2() {
    int code = cli.run("sizing", "--workload", "cpu", "--cores", "0");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err()).contains("--cores must be at least 1");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void strayArgument_exits2() {
    int code = cli.run("sizing", "--workload", "cpu", "extra");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err()).contains("extra");
  }

  @Test
  void rateWithoutLatency_exits2() {
    int code = cli.run("sizing", "--rate", "100");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err()).contains("--rate and --latency go together");
  }

  @Test
  void streamsAboveServerCap_exits2() {
    int code = cli.run("sizing", "--rate", "100", "--latency", "10ms", "--streams-per-channel", "200");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err()).contains("--streams-per-channel must be between 1 and --max-streams (100)");
  }

  @Test
  void help_listsEveryOption() {
    int code = cli.run("sizing", "--help");

    assertThat(code).isEqualTo(0);
    assertThat(cli.out()).contains("--workload", "--high-concurrency", "--cores", "--json", "--rate", "--l4-backends",
        "--latency", "--streams-per-channel", "--max-streams");
  }
}
