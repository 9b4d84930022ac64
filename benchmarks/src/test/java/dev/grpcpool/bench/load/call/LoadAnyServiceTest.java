package dev.grpcpool.bench.load.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.cli.CliRun;
import dev.grpcpool.bench.cli.GrpcPoolCli;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.testing.protobuf.SimpleServiceProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code grpcpool load --call} end to end, against servers this project wrote no client for: grpc-java's health
 * service found through server reflection, and grpc-java's test service {@code SimpleService} known only from a
 * descriptor set, in all four call types. The servers count what arrives, so the run's counts are checked against
 * what the server saw; bad input is refused with one line and exit 2 before any call of the method is made.
 */
class LoadAnyServiceTest {
  private static final String SIMPLE = "grpc.testing.SimpleService/";

  @TempDir
  Path tmp;

  private final TestServers servers = new TestServers();
  private final CliRun cli = new CliRun();
  /** Calls, request messages and the last headers seen by the server, per method. */
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> messages = new ConcurrentHashMap<>();
  private final Map<String, Metadata> headers = new ConcurrentHashMap<>();

  @AfterEach
  void close() throws InterruptedException {
    servers.close();
  }

  private final ServerInterceptor counting = new ServerInterceptor() {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
      String method = call.getMethodDescriptor().getFullMethodName();
      calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
      headers.put(method, h);
      AtomicLong received = messages.computeIfAbsent(method, m -> new AtomicLong());
      return new SimpleForwardingServerCallListener<>(next.startCall(call, h)) {
        @Override
        public void onMessage(Q message) {
          received.incrementAndGet();
          super.onMessage(message);
        }
      };
    }
  };

  private long seen(Map<String, AtomicLong> counts, String method) {
    AtomicLong n = counts.get(method);
    return n == null ? 0 : n.get();
  }

  /** The health service and reflection (v1 only, as current servers have it) on 127.0.0.1; its host:port. */
  private String healthServer() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    ManagedChannel c = servers.netty(counting, health.getHealthService(),
        ProtoReflectionServiceV1.newInstance());
    return c.authority();
  }

  /** SimpleService without reflection on 127.0.0.1; its host:port. */
  private String simpleServer() throws Exception {
    return servers.netty(counting, new SimpleServiceImpl()).authority();
  }

  private Path simpleProtoset() throws Exception {
    return Protosets.write(tmp.resolve("simple.protoset"), SimpleServiceProto.getDescriptor());
  }

  private JsonNode run(String target, Path out, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("load", "--target", target, "--concurrency", "4", "--duration", "1s",
        "--warmup", "500ms", "--pool-size", "2", "--quiet", "--out", out.toString()));
    argv.addAll(List.of(args));
    int code = cli.run(argv.toArray(String[]::new));
    assertThat(code).as(cli.err() + cli.out()).isZero();
    return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
  }

  @Test
  void healthCheck_throughReflection_withMetadataAndGzip_countsWhatTheServerSaw() throws Exception {
    String target = healthServer();
    String method = "grpc.health.v1.Health/Check";

    JsonNode summary = run(target, tmp.resolve("run"), "--call", method, "--data", "{\"service\": \"\"}",
        "--metadata", "x-tenant=blue", "--metadata", "x-trace-bin=AAEC", "--compress", "gzip");

    long ok = summary.get("ok").asLong();
    assertThat(ok).isPositive();
    assertThat(summary.get("failedByStatus").size()).isZero();
    // Warm-up calls are sent but not measured: the server saw at least the measured ones, each with its request.
    assertThat(seen(calls, method)).isGreaterThanOrEqualTo(ok);
    assertThat(seen(messages, method)).isEqualTo(seen(calls, method));
    Metadata h = headers.get(method);
    assertThat(h.get(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("blue");
    assertThat(h.get(Metadata.Key.of("x-trace-bin", Metadata.BINARY_BYTE_MARSHALLER))).containsExactly(0, 1, 2);
    assertThat(h.get(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("gzip");
    assertThat(summary.at("/configuration/load/call/method").asText()).isEqualTo(method);
    assertThat(summary.at("/configuration/load/call/metadataKeys").toString()).contains("x-tenant")
        .doesNotContain("blue");
    assertThat(cli.out()).contains("Call     " + method + ", descriptor from server reflection");
  }

  static Stream<Arguments> simpleServiceCalls() {
    return Stream.of(
        // method, extra arguments, request messages per call
        Arguments.of("UnaryRpc", List.of("--data", "{\"requestMessage\": \"call {{seq}}\"}"), 1),
        Arguments.of("ServerStreamingRpc", List.of("--data", "{\"requestMessage\": \"a,b,c\"}"), 1),
        Arguments.of("ClientStreamingRpc", List.of("--data", "{\"requestMessage\": \"{{uuid}}\"}",
            "--stream-messages", "3"), 3),
        Arguments.of("BidiStreamingRpc", List.of("--data", "[{\"requestMessage\": \"a\"}, {\"requestMessage\": \"b\"}]"),
            2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("simpleServiceCalls")
  void simpleService_fromAProtoset_everyCallType(String name, List<String> extra, int perCall) throws Exception {
    String target = simpleServer();
    List<String> args = new ArrayList<>(List.of("--call", SIMPLE + name, "--protoset", simpleProtoset().toString()));
    args.addAll(extra);

    JsonNode summary = run(target, tmp.resolve("run"), args.toArray(String[]::new));

    long ok = summary.get("ok").asLong();
    assertThat(ok).isPositive();
    assertThat(summary.get("sent").asLong()).isEqualTo(ok);
    assertThat(summary.get("failedByStatus").size()).isZero();
    String method = SIMPLE + name;
    assertThat(seen(calls, method)).isGreaterThanOrEqualTo(ok);
    assertThat(seen(messages, method)).isEqualTo(perCall * seen(calls, method));
  }

  @Test
  void embeddedFleet_servesReflection_soTheEchoServiceCanBeCalledTheGenericWay() throws Exception {
    Path out = tmp.resolve("run");
    int code = cli.run("load", "--transport", "inprocess", "--backends", "2", "--pool-size", "2", "--concurrency",
        "4", "--duration", "1s", "--warmup", "500ms", "--quiet", "--out", out.toString(),
        "--call", "grpcpool.echo.v1.Echo/Unary", "--data", "{\"payload\": \"AAAA\", \"ioMicros\": 100}");

    assertThat(code).as(cli.err() + cli.out()).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(summary.get("ok").asLong()).isPositive();
    // Without the echo answer's backend id, calls are still attributed by the channel that carried them.
    assertThat(cli.out()).contains("backend-0", "backend-1");
  }

  @Test
  void openLoop_throughAPool_withAFaultOnTheEmbeddedFleet() throws Exception {
    Path out = tmp.resolve("run");
    // Backend 1 of 2 is killed halfway: round robin keeps sending it its share, which fails.
    int code = cli.run("load", "--transport", "inprocess", "--backends", "2", "--pool-size", "2", "--rate", "200",
        "--duration", "3s", "--warmup", "0s", "--deadline", "2s", "--fault", "kill:1@1500ms", "--quiet", "--out",
        out.toString(), "--call", "grpcpool.echo.v1.Echo/Unary", "--data", "{\"ioMicros\": 1000}");

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(code).as(cli.err() + cli.out()).isEqualTo(summary.at("/verdict/exitCode").asInt());
    long sent = summary.get("sent").asLong();
    long ok = summary.get("ok").asLong();
    long failed = summary.get("failed").asLong();
    assertThat(sent).isEqualTo(600);
    assertThat(sent).isEqualTo(ok + failed + summary.get("unfinished").asLong());
    assertThat(ok).isGreaterThan(300);
    assertThat(failed).isPositive();
    assertThat(summary.at("/faults/0/fault").asText()).isEqualTo("kill:1@1500ms");
    assertThat(summary.at("/configuration/load/call/method").asText()).isEqualTo("grpcpool.echo.v1.Echo/Unary");
  }

  @Test
  void findMax_searchesTheRateOfTheCalledMethod() throws Exception {
    Path dir = tmp.resolve("max");

    // 4 calls in flight at most, 5 ms each: at most 800 calls/s.
    int code = cli.run("load", "--find-max", "--slo", "p99=2s", "--transport", "inprocess", "--backends", "1",
        "--pool-size", "1", "--concurrency", "4", "--duration", "1s", "--warmup", "500ms", "--out", dir.toString(),
        "--quiet", "--call", "grpcpool.echo.v1.Echo/Unary", "--data", "{\"ioMicros\": 5000}");

    assertThat(code).as(cli.err() + cli.out()).isZero();
    JsonNode result = new ObjectMapper().readTree(dir.resolve("find-max.json").toFile());
    assertThat(result.get("maxRate").asDouble()).isBetween(400.0, 820.0);
  }

  static Stream<Arguments> refusedWithAServer() {
    return Stream.of(
        Arguments.of("reflection", List.of("--call", "nope.Missing/Call"), "unknown service nope.Missing"),
        Arguments.of("reflection", List.of("--call", "grpc.health.v1.Health/Nope"), "unknown method Nope"),
        Arguments.of("reflection", List.of("--call", "grpc.health.v1.Health/Check", "--data", "{\"nope\": 1}"),
            "nope"),
        Arguments.of("reflection", List.of("--call", "grpc.health.v1.Health/Check", "--data",
            "{\"service\": \"{{nope}}\"}"), "{{nope}}"),
        Arguments.of("reflection", List.of("--call", "grpc.health.v1.Health/Check", "--stream-messages", "2"),
            "--stream-messages is for client-streaming and bidi methods"),
        Arguments.of("simple", List.of("--call", SIMPLE + "UnaryRpc"), "give --protoset"),
        Arguments.of("simple+protoset", List.of("--call", SIMPLE + "ClientStreamingRpc"), "--stream-messages N"),
        Arguments.of("simple+protoset", List.of("--call", SIMPLE + "BidiStreamingRpc", "--data", "{\"nope\": 1}",
            "--stream-messages", "2"), "nope"),
        Arguments.of("simple+protoset", List.of("--call", "grpc.testing.Missing/Call"), "unknown service"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("refusedWithAServer")
  void badCall_isOneLineAndExitTwo_beforeAnyCallOfTheMethod(String server, List<String> extra, String named)
      throws Exception {
    String target = server.equals("reflection") ? healthServer() : simpleServer();
    Path out = tmp.resolve("never");
    List<String> argv = new ArrayList<>(List.of("load", "--target", target, "--concurrency", "2", "--duration", "1s",
        "--quiet", "--out", out.toString()));
    argv.addAll(extra);
    if (server.endsWith("+protoset")) {
      argv.addAll(List.of("--protoset", simpleProtoset().toString()));
    }

    int code = cli.run(argv.toArray(String[]::new));

    assertThat(code).as(cli.out() + cli.err()).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    List<String> lines = cli.err().lines().toList();
    assertThat(lines).as(cli.err()).hasSize(2);
    assertThat(lines.get(0)).startsWith("load: ").contains(named);
    assertThat(cli.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(calls.keySet()).as("methods the server was called on").allMatch(m -> m.startsWith("grpc.reflection."));
    assertThat(Files.exists(out)).as("output folder").isFalse();
  }
}
