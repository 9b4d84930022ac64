package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.server.WorkProfile;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Tests {@link ServeCommand}: a real {@code grpcpool serve} process, and its refusal of bad options. */
class ServeCommandTest {

  private Process process;
  private ManagedChannel channel;

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void serve_printsAddresses_answersCalls_andExitsZeroOnSigterm_releasingPorts() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    process = CliRun.startProcess(lines, "serve", "--port", "0", "--backends", "2", "--work", "io",
        "--io-micros", "1000");

    await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(l -> l.startsWith("target ")));
    String address = field(lines, "backend-1");
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    assertThat(field(lines, "target")).startsWith("static:///127.0.0.1:").endsWith("," + address);
    assertThat(lines.get(0)).contains("127.0.0.1").contains("loopback only");

    channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    String answeredBy = EchoGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .unary(EchoRequest.getDefaultInstance()).getBackendId();
    assertThat(answeredBy).isEqualTo("backend-1");
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);

    // SIGTERM. destroy() also closes our end of the output pipe, so the exit code is the evidence: 0 only
    // when the shutdown hook closed the fleet, 143 (128 + SIGTERM) if the JVM died of the signal.
    process.destroy();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    assertThat(process.exitValue()).isZero();
    await().atMost(Duration.ofSeconds(20)).ignoreException(IOException.class).until(() -> {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return true;
      }
    });
  }

  @Test
  void serveWithL4_printsOneAddress_whoseConnectionsArePinnedRoundRobin() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    process = CliRun.startProcess(lines, "serve", "--port", "0", "--backends", "2", "--l4", "round-robin",
        "--workers", "4");

    await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(l -> l.startsWith("l4 ")));
    String l4 = field(lines, "l4").split(" ")[0];
    assertThat(l4).startsWith("127.0.0.1:");
    assertThat(lines).anyMatch(l -> l.startsWith("l4 ") && l.contains("round-robin, delay 0 ms"));

    List<String> answeredBy = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      ManagedChannel viaL4 = ManagedChannelBuilder.forTarget(l4).usePlaintext().build();
      try {
        EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(viaL4).withDeadlineAfter(30, TimeUnit.SECONDS);
        String first = stub.unary(EchoRequest.getDefaultInstance()).getBackendId();
        assertThat(stub.unary(EchoRequest.getDefaultInstance()).getBackendId()).as("pinned").isEqualTo(first);
        answeredBy.add(first);
      } finally {
        viaL4.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
    assertThat(answeredBy).containsExactlyInAnyOrder("backend-0", "backend-1");
  }

  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of(List.of("--backends", "0"), "backend count"),
        Arguments.of(List.of("--port", "70000"), "port"),
        Arguments.of(List.of("--port", "zero"), "--port"),
        Arguments.of(List.of("--max-connection-age", "-5s"), "must not be negative"),
        Arguments.of(List.of("--max-connection-age", "soon"), "not a duration"),
        Arguments.of(List.of("--work", "disk"),
            "--work': expected one of [NONE, CPU, IO, MIXED] (case-insensitive) but was 'disk'"),
        Arguments.of(List.of("--work", "io", "--cpu-micros", "5"), "cpuMicros"),
        Arguments.of(List.of("--work", "cpu", "--cpu-micros", "-5"), "cpuMicros"),
        Arguments.of(List.of("--max-calls-per-connection", "0"), "maxConcurrentCallsPerConnection"),
        Arguments.of(List.of("--executor", "threads"), "unknown executor"),
        Arguments.of(List.of("--tls-cert", "server.pem"), "--tls-key"),
        Arguments.of(List.of("--tls-cert", "missing.pem", "--tls-key", "missing.key"), "missing.pem"),
        Arguments.of(List.of("--workers", "0"), "workers must be between 1 and"),
        Arguments.of(List.of("--l4", "leastconn"), "L4 mode must be random, round-robin or least-connections"),
        Arguments.of(List.of("--l4-delay", "5ms"), "--l4-delay needs --l4"),
        Arguments.of(List.of("--l4", "random", "--l4-delay", "2s"), "L4 delay must be between 0 and 1000ms"),
        Arguments.of(List.of("--bogus"), "--bogus"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badOptions")
  void badOption_exitsTwoWithOneLineMessage(List<String> options, String mentioned) {
    CliRun cli = new CliRun();

    int exit = cli.run(Stream.concat(Stream.of("serve", "--port", "0"), options.stream())
        .toArray(String[]::new));

    assertThat(exit).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(cli.err()).contains(mentioned).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void workKind_withoutAmounts_isTheSharedPreset_andAmountsOverrideIt() {
    assertThat(parsed("--work", "cpu").profile()).isEqualTo(WorkProfile.preset(WorkProfile.Kind.CPU));
    assertThat(parsed("--work", "MIXED").profile()).isEqualTo(WorkProfile.preset(WorkProfile.Kind.MIXED));
    assertThat(parsed("--work", "io", "--io-micros", "2000").profile()).isEqualTo(WorkProfile.io(2000));
    assertThat(parsed("--work", "mixed", "--cpu-micros", "5").profile())
        .isEqualTo(WorkProfile.mixed(5, WorkProfile.PRESET_MIXED_IO_MICROS));
    assertThat(parsed().profile()).isEqualTo(WorkProfile.none());
  }

  private static ServeCommand parsed(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
    return serve;
  }

  @Test
  void portInUse_exitsTwoNamingTheAddress() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CliRun cli = new CliRun();

      int exit = cli.run("serve", "--port", String.valueOf(taken.getLocalPort()));

      assertThat(exit).isEqualTo(GrpcPoolCli.EXIT_USAGE);
      assertThat(cli.err()).contains(String.valueOf(taken.getLocalPort()));
    }
  }

  private static String field(List<String> lines, String key) {
    Optional<String> line = lines.stream().filter(l -> l.startsWith(key + " ")).findFirst();
    assertThat(line).as("a line starting with '%s' in %s", key, lines).isPresent();
    return line.get().substring(key.length() + 1).trim();
  }
}
