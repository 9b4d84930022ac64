package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for a backend's worker limit ({@link BenchServer.Builder#workers}) with real calls. */
class WorkersTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private final TestResources resources = new TestResources();

  @AfterEach
  void tearDown() throws Exception {
    resources.close();
  }

  @Test
  void callsBeyondTheLimit_waitForAWorker_acrossConnections_andAllAreServed() throws Exception {
    BenchServer server = resources.server(BenchServer.netty(0).workers(2).start());
    EchoRequest oneSecond = EchoRequest.newBuilder().setIoMicros(1_000_000).build();
    List<ListenableFuture<EchoResponse>> calls = new ArrayList<>();
    for (int connection = 0; connection < 3; connection++) {
      // Three connections, two calls each: the limit is the backend's, not a connection's.
      EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(resources.nettyChannel(server.target()))
          .withDeadlineAfter(30, TimeUnit.SECONDS);
      calls.add(stub.unary(oneSecond));
      calls.add(stub.unary(oneSecond));
    }

    await().atMost(WAIT).until(() -> server.waitingForWorkers() == 4);
    for (ListenableFuture<EchoResponse> call : calls) {
      call.get(30, TimeUnit.SECONDS);
    }

    assertThat(server.waitingForWorkers()).isZero();
    assertThat(server.callsServed()).isEqualTo(6);
  }

  @Test
  void withoutALimit_nothingWaits() throws Exception {
    BenchServer server = resources.server(BenchServer.inProcess("workers-none").start());
    EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(resources.inProcessChannel(server.target()));
    List<ListenableFuture<EchoResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(stub.unary(EchoRequest.newBuilder().setIoMicros(300_000).build()));
    }
    await().atMost(WAIT).until(() -> server.activeCalls() == 6);
    assertThat(server.waitingForWorkers()).isZero();
    for (ListenableFuture<EchoResponse> call : calls) {
      call.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void workersOutOfRange_areRejected() {
    assertThatThrownBy(() -> BenchServer.netty(0).workers(0))
        .hasMessage("workers must be between 1 and 100000 (was 0)");
  }
}
