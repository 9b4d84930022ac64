package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests the per-connection limits a backend imposes: the concurrent-call cap and the max connection age. */
class ConnectionLimitsTest {

  private static final EchoRequest FIFTY_MS = EchoRequest.newBuilder().setIoMicros(50_000).build();

  private final TestResources resources = new TestResources();

  @AfterEach
  void closeAll() throws Exception {
    resources.close();
  }

  @Test
  void maxConcurrentCallsPerConnection_capsOneChannelAtTen() throws Exception {
    BenchServer server = resources.server(BenchServer.netty(0).maxConcurrentCallsPerConnection(10).start());

    int maxServed = fortyConcurrentCallsOverOneChannel(server);

    assertThat(maxServed).isEqualTo(10);
  }

  @Test
  void withoutCap_oneChannelCarriesMoreThanTenCallsAtOnce() throws Exception {
    BenchServer server = resources.server(BenchServer.netty(0).start());

    int maxServed = fortyConcurrentCallsOverOneChannel(server);

    assertThat(maxServed).isGreaterThan(10);
  }

  /** Sends 40 concurrent 50 ms calls over one channel (one connection) and returns the server's peak. */
  private int fortyConcurrentCallsOverOneChannel(BenchServer server) throws Exception {
    EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(resources.channelTo(server));
    stub.unary(EchoRequest.getDefaultInstance()).get(30, TimeUnit.SECONDS);
    server.resetMaxActiveCalls();

    List<ListenableFuture<EchoResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(stub.unary(FIFTY_MS));
    }
    assertThat(Futures.allAsList(calls).get(60, TimeUnit.SECONDS)).hasSize(40);
    return server.maxActiveCalls();
  }

  @Test
  void maxConnectionAge_sendsGoAway_runningCallFinishes_nextCallUsesNewConnection() throws Exception {
    BenchServer server = resources.server(BenchServer.netty(0)
        .maxConnectionAge(Duration.ofMillis(500))
        .maxConnectionAgeGrace(Duration.ofSeconds(30))
        .start());
    ManagedChannel channel = resources.channelTo(server);
    Set<Integer> localPorts = ConcurrentHashMap.newKeySet();
    EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(
        ClientInterceptors.intercept(channel, new LocalPortRecorder(localPorts)));

    // Outlives the connection's age: the GOAWAY arrives while it runs, the grace period lets it finish.
    EchoResponse longCall = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
        .unary(EchoRequest.newBuilder().setIoMicros(1_500_000).build());
    assertThat(longCall.getBackendId()).isEqualTo(server.backendId());
    assertThat(localPorts).hasSize(1);

    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(channel.getState(false)).isEqualTo(ConnectivityState.IDLE));
    stub.unary(EchoRequest.getDefaultInstance());

    assertThat(localPorts).as("the call after GOAWAY came over a new connection").hasSize(2);
  }

  /** Records the client-side port of the connection each call used. */
  private static final class LocalPortRecorder implements ClientInterceptor {
    private final Set<Integer> ports;

    LocalPortRecorder(Set<Integer> ports) {
      this.ports = ports;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          ClientCall<ReqT, RespT> call = this;
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<RespT>(listener) {
            @Override
            public void onHeaders(Metadata responseHeaders) {
              InetSocketAddress local = (InetSocketAddress) call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
              ports.add(local.getPort());
              super.onHeaders(responseHeaders);
            }
          }, headers);
        }
      };
    }
  }
}
