package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests {@link BenchFleet}: targets, stable ids, and fault controls that reach exactly one backend. */
class BenchFleetTest {

  private final TestResources resources = new TestResources();

  @AfterEach
  void closeAll() throws Exception {
    resources.close();
  }

  @Test
  void nettyFleet_exposesStaticTargetAndEachBackendAnswersWithItsId() {
    BenchFleet fleet = resources.fleet(BenchFleet.start(3, BenchServer.netty(0)));

    assertThat(fleet.size()).isEqualTo(3);
    assertThat(fleet.target()).isEqualTo("static:///" + String.join(",", fleet.targets()));
    assertThat(fleet.targets()).hasSize(3).doesNotHaveDuplicates().allMatch(t -> t.startsWith("127.0.0.1:"));
    for (int i = 0; i < 3; i++) {
      String answeredBy = EchoGrpc.newBlockingStub(resources.nettyChannel(fleet.targets().get(i)))
          .unary(EchoRequest.getDefaultInstance()).getBackendId();
      assertThat(answeredBy).isEqualTo("backend-" + i).isEqualTo(fleet.backend(i).backendId());
    }
    assertThat(fleet.callsServed()).isEqualTo(3);
  }

  @Test
  void faultControls_reachOnlyTheNamedBackend() {
    BenchFleet fleet = resources.fleet(BenchFleet.start(2, BenchServer.netty(0).backendId("b")));
    EchoGrpc.EchoBlockingStub first = stub(fleet, 0);
    ManagedChannel secondChannel = resources.nettyChannel(fleet.targets().get(1));
    EchoGrpc.EchoBlockingStub second = EchoGrpc.newBlockingStub(secondChannel).withDeadlineAfter(30, TimeUnit.SECONDS);

    fleet.failNext(1, 1, Status.Code.ABORTED);
    fleet.setServing(1, false);

    assertThat(first.unary(EchoRequest.getDefaultInstance()).getBackendId()).isEqualTo("b-0");
    assertThatThrownBy(() -> second.unary(EchoRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
    assertThat(health(fleet, 0)).isEqualTo(ServingStatus.SERVING);
    assertThat(health(fleet, 1)).isEqualTo(ServingStatus.NOT_SERVING);

    int port = fleet.backend(1).port();
    fleet.stop(1);
    assertThat(fleet.backend(0).isServing()).isTrue();
    // Until the client has read the stopped server's GOAWAY and close, it may still put a new call on that
    // connection, and gRPC fails such a call with UNAVAILABLE ("Connection closed after GOAWAY") instead of
    // retrying it. A client of a restarted backend sees that too; this test is about the restart, so it waits.
    await().atMost(Duration.ofSeconds(30)).until(() -> secondChannel.getState(false) != ConnectivityState.READY);
    fleet.restart(1);
    assertThat(fleet.backend(1).port()).isEqualTo(port);
    assertThat(second.withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS)
        .unary(EchoRequest.getDefaultInstance()).getBackendId()).isEqualTo("b-1");
  }

  @Test
  void inProcessFleet_namesOneServerPerBackend_andHasNoSingleTarget() {
    BenchFleet fleet = resources.fleet(BenchFleet.start(2, BenchServer.inProcess("fleet")));

    assertThat(fleet.targets()).containsExactly("fleet-0", "fleet-1");
    assertThat(EchoGrpc.newBlockingStub(resources.inProcessChannel("fleet-1"))
        .unary(EchoRequest.getDefaultInstance()).getBackendId()).isEqualTo("backend-1");
    assertThatThrownBy(fleet::target).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void start_refusesBadCountsAndClosesStartedBackendsOnFailure() {
    BenchServer blocker = resources.server(BenchServer.netty(0).start());

    assertThatThrownBy(() -> BenchFleet.start(0, BenchServer.netty(0)))
        .isInstanceOf(IllegalArgumentException.class);
    // The second backend's port is taken: the first, already started, must be closed again.
    int base = blocker.port() - 1;
    assertThatThrownBy(() -> BenchFleet.start(2, BenchServer.netty(base).backendId("refused")))
        .isInstanceOf(java.io.UncheckedIOException.class);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
        .until(() -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().startsWith("grpcpool-server-refused-")));
  }

  private EchoGrpc.EchoBlockingStub stub(BenchFleet fleet, int i) {
    return EchoGrpc.newBlockingStub(resources.nettyChannel(fleet.targets().get(i)))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private ServingStatus health(BenchFleet fleet, int i) {
    return HealthGrpc.newBlockingStub(resources.nettyChannel(fleet.targets().get(i)))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }
}
