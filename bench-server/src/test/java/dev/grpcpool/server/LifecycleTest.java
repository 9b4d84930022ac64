package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests that servers release every port and thread, and that bad settings are refused. */
class LifecycleTest {

  private final TestResources resources = new TestResources();

  @AfterEach
  void closeAll() throws Exception {
    resources.close();
  }

  @Test
  void hundredStartCallCloseCycles_leaveNoServerThreadAndFreeEveryPort() throws Exception {
    cycle(ServerExecutor.WORK_STEALING);
    await().atMost(Duration.ofSeconds(30)).until(() -> serverThreads().isEmpty());
    int baseline = Thread.activeCount();

    for (int i = 0; i < 100; i++) {
      cycle(ServerExecutor.values()[i % ServerExecutor.values().length]);
    }

    await().atMost(Duration.ofSeconds(30)).untilAsserted(
        () -> assertThat(serverThreads()).as("threads of closed servers").isEmpty());
    // gRPC's shared client threads linger about a second after their last channel: await, do not sleep.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(
        () -> assertThat(Thread.activeCount()).isLessThanOrEqualTo(baseline));
  }

  /** Starts a Netty backend, makes one call over a new channel, closes both and checks the port is free. */
  private static void cycle(ServerExecutor executor) throws Exception {
    int port;
    try (BenchServer server = BenchServer.netty(0).executor(executor).start()) {
      port = server.port();
      ManagedChannel channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
      try {
        EchoGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .unary(EchoRequest.getDefaultInstance());
      } finally {
        channel.shutdownNow();
        assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }
    }
    FaultControlTest.assertPortFree(port);
  }

  private static List<String> serverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith("grpcpool-server-"))
        .collect(Collectors.toList());
  }

  @Test
  void close_isIdempotent_andControlsAfterCloseFail() {
    BenchServer server = BenchServer.inProcess("closed").start();

    server.close();
    server.close();

    assertThat(server.isServing()).isFalse();
    assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> server.failNext(1, Status.Code.INTERNAL)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> server.setServing(false)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void inProcessBuilder_refusesNettyOnlySettings() {
    assertThatThrownBy(() -> BenchServer.inProcess("x").maxConcurrentCallsPerConnection(10).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxConcurrentCallsPerConnection");
    assertThatThrownBy(() -> BenchServer.inProcess("x").maxConnectionAge(Duration.ofSeconds(1)).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxConnectionAge");
  }

  @Test
  void builder_refusesBadValues() {
    assertThatThrownBy(() -> BenchServer.netty(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchServer.netty(70_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchServer.netty(0).maxConcurrentCallsPerConnection(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchServer.netty(0).maxConnectionAge(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchServer.netty(0).tls(new File("missing.pem"), new File("missing.key")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    assertThatThrownBy(() -> ServerExecutor.parse("threads")).isInstanceOf(IllegalArgumentException.class);
    assertThat(ServerExecutor.parse("grpc-default")).isEqualTo(ServerExecutor.GRPC_DEFAULT);
  }

  @Test
  void portInUse_failsStartWithTheAddress() {
    BenchServer first = resources.server(BenchServer.netty(0).start());

    assertThatThrownBy(() -> BenchServer.netty(first.port()).start())
        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining(String.valueOf(first.port()));
  }
}
