package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests each fault control as a real gRPC client over Netty sees it. */
class FaultControlTest {

  private final TestResources resources = new TestResources();

  @AfterEach
  void closeAll() throws Exception {
    resources.close();
  }

  @Test
  void stop_failsCallsAndFreesPort_restart_servesSameChannelOnSamePort() throws Exception {
    BenchServer server = resources.server(BenchServer.netty(0).start());
    int port = server.port();
    ManagedChannel channel = resources.channelTo(server);
    EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(channel);
    stub.unary(EchoRequest.getDefaultInstance());
    ListenableFuture<EchoResponse> running = EchoGrpc.newFutureStub(channel)
        .unary(EchoRequest.newBuilder().setIoMicros(20_000_000).build());
    awaitActiveCalls(server, 1);

    server.stop();

    assertThat(server.isServing()).isFalse();
    assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .extracting(e -> Status.fromThrowable(e.getCause()).getCode())
        .as("a running call's stream is reset").isIn(Status.Code.CANCELLED, Status.Code.UNAVAILABLE);
    assertThatThrownBy(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).unary(EchoRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertPortFree(port);

    server.restart();

    assertThat(server.port()).isEqualTo(port);
    EchoResponse afterRestart = stub.withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS)
        .unary(EchoRequest.getDefaultInstance());
    assertThat(afterRestart.getBackendId()).isEqualTo(server.backendId());
  }

  @Test
  void setServing_switchesHealthOfWholeServerAndEchoService_perServiceToo() {
    BenchServer server = resources.server(BenchServer.netty(0).start());
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(resources.channelTo(server));
    EchoGrpc.EchoBlockingStub echo = EchoGrpc.newBlockingStub(resources.channelTo(server));
    assertThat(check(health, "")).isEqualTo(ServingStatus.SERVING);
    assertThat(check(health, BenchServer.ECHO_SERVICE)).isEqualTo(ServingStatus.SERVING);

    server.setServing(false);

    assertThat(check(health, "")).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(check(health, BenchServer.ECHO_SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(echo.unary(EchoRequest.getDefaultInstance()).getBackendId())
        .as("NOT_SERVING is a health signal; calls still answer").isEqualTo(server.backendId());

    server.setServing(true);
    server.setServing(BenchServer.ECHO_SERVICE, false);

    assertThat(check(health, "")).isEqualTo(ServingStatus.SERVING);
    assertThat(check(health, BenchServer.ECHO_SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
  }

  @Test
  void failNext_failsExactlyTheNextCallsWithTheCode() {
    BenchServer server = resources.server(BenchServer.netty(0).start());
    EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(resources.channelTo(server));
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(resources.channelTo(server));

    server.failNext(2, Status.Code.RESOURCE_EXHAUSTED);

    assertThat(check(health, "")).as("health checks are not failed").isEqualTo(ServingStatus.SERVING);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> stub.unary(EchoRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }
    assertThat(stub.unary(EchoRequest.getDefaultInstance()).getBackendId()).isEqualTo(server.backendId());
    assertThat(server.callsServed()).isEqualTo(3);
  }

  @Test
  void faultControls_refuseBadArguments() {
    BenchServer server = resources.server(BenchServer.netty(0).start());

    assertThatThrownBy(() -> server.failNext(-1, Status.Code.INTERNAL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.failNext(1, Status.Code.OK)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.slowDown(java.time.Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ServingStatus check(HealthGrpc.HealthBlockingStub health, String service) {
    return health.withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  static void awaitActiveCalls(BenchServer server, int n) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> server.activeCalls() >= n);
  }

  /** Awaits the port being bindable: the kernel ends the last connections shortly after the close. */
  static void assertPortFree(int port) {
    org.awaitility.Awaitility.await("port " + port + " free").atMost(java.time.Duration.ofSeconds(20))
        .ignoreException(IOException.class)
        .until(() -> {
          try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
          }
        });
  }
}
