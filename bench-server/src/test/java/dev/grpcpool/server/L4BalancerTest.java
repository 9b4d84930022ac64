package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import io.grpc.ManagedChannel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link L4Balancer} in front of real Netty backends on 127.0.0.1. */
class L4BalancerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestResources resources = new TestResources();
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    resources.close();
  }

  @Test
  void everyCallOfOneChannel_landsOnOneBackend_andChannelsSpreadOverBackends() {
    BenchFleet fleet = resources.fleet(BenchFleet.start(4, BenchServer.netty(0)));
    L4Balancer l4 = fleet.startL4(L4Balancer.Mode.ROUND_ROBIN, Duration.ZERO);

    Set<String> backendsOfChannels = new HashSet<>();
    for (int c = 0; c < 4; c++) {
      EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(resources.nettyChannel(l4.target()))
          .withDeadlineAfter(30, TimeUnit.SECONDS);
      Set<String> answeredBy = new HashSet<>();
      for (int i = 0; i < 25; i++) {
        answeredBy.add(stub.unary(EchoRequest.getDefaultInstance()).getBackendId());
      }
      assertThat(answeredBy).as("backends of channel %s", c).hasSize(1);
      backendsOfChannels.addAll(answeredBy);
    }

    assertThat(backendsOfChannels).containsExactlyInAnyOrder("backend-0", "backend-1", "backend-2", "backend-3");
    assertThat(fleet.callsServed()).isEqualTo(100);
    assertThat(l4.openConnections()).containsExactly(1, 1, 1, 1);
  }

  @Test
  void roundRobin_andLeastConnections_spread400ConnectionsEvenly() throws Exception {
    BenchFleet fleet = resources.fleet(BenchFleet.start(4, BenchServer.netty(0)));
    for (L4Balancer.Mode mode : List.of(L4Balancer.Mode.ROUND_ROBIN, L4Balancer.Mode.LEAST_CONNECTIONS)) {
      L4Balancer l4 = fleet.startL4(mode, Duration.ZERO);
      connect(l4, 400);
      await().atMost(WAIT).until(() -> sum(l4.openConnections()) == 400);
      assertThat(l4.acceptedConnections()).as(mode.cliName()).containsExactly(100L, 100L, 100L, 100L);
      l4.close();
    }
  }

  @Test
  void random_spreads400ConnectionsLikeABinomial() throws Exception {
    BenchFleet fleet = resources.fleet(BenchFleet.start(4, BenchServer.netty(0)));
    L4Balancer l4 = fleet.startL4(L4Balancer.Mode.RANDOM, Duration.ZERO);

    connect(l4, 400);
    await().atMost(WAIT).until(() -> sum(l4.acceptedConnections()) == 400);

    // Binomial(400, 1/4): mean 100, standard deviation 8.7; 60..140 is beyond 4.6 sigma on either side.
    assertThat(l4.acceptedConnections()).allSatisfy(n -> assertThat(n).isBetween(60L, 140L));
  }

  @Test
  void stoppingABackend_closesTheConnectionsPinnedToIt_andNewConnectionsSkipIt() throws Exception {
    BenchFleet fleet = resources.fleet(BenchFleet.start(2, BenchServer.netty(0)));
    L4Balancer l4 = fleet.startL4(L4Balancer.Mode.ROUND_ROBIN, Duration.ZERO);
    List<Socket> pinned = connect(l4, 2);
    await().atMost(WAIT).until(() -> l4.openConnections().equals(List.of(1, 1)));

    fleet.stop(1);

    await().atMost(WAIT).until(() -> l4.openConnections().equals(List.of(1, 0)));
    int closed = 0;
    for (Socket s : pinned) {
      closed += isClosedByPeer(s) ? 1 : 0;
    }
    assertThat(closed).as("client connections closed").isEqualTo(1);
    connect(l4, 4);
    await().atMost(WAIT).until(() -> sum(l4.acceptedConnections()) == 6);
    assertThat(l4.acceptedConnections()).containsExactly(5L, 1L);
  }

  @Test
  void delay_isAddedToEachDirection() {
    BenchFleet fleet = resources.fleet(BenchFleet.start(1, BenchServer.netty(0)));
    L4Balancer l4 = fleet.startL4(L4Balancer.Mode.RANDOM, Duration.ofMillis(50));
    EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(resources.nettyChannel(l4.target()))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
    stub.unary(EchoRequest.getDefaultInstance());

    long start = System.nanoTime();
    stub.unary(EchoRequest.getDefaultInstance());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // A lower bound only: the request waits 50 ms on the way in and the answer 50 ms on the way out.
    assertThat(millis).isGreaterThanOrEqualTo(100);
  }

  @Test
  void badArguments_areRejected() {
    BenchFleet inProcess = resources.fleet(BenchFleet.start(1, BenchServer.inProcess("l4-bad")));
    BenchFleet fleet = resources.fleet(BenchFleet.start(1, BenchServer.netty(0)));

    assertThatThrownBy(() -> inProcess.startL4(L4Balancer.Mode.RANDOM, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Netty");
    assertThatThrownBy(() -> fleet.startL4(null, Duration.ZERO)).hasMessageContaining("round-robin");
    assertThatThrownBy(() -> fleet.startL4(L4Balancer.Mode.RANDOM, Duration.ofSeconds(2)))
        .hasMessageContaining("delay");
    assertThatThrownBy(() -> L4Balancer.Mode.parse("leastconn")).hasMessage(
        "L4 mode must be random, round-robin or least-connections (was \"leastconn\")");
    assertThat(L4Balancer.Mode.parse("Least-Connections")).isEqualTo(L4Balancer.Mode.LEAST_CONNECTIONS);
  }

  @Test
  void twoHundredStartCallCloseCycles_leaveNoThreadOrDescriptorBehind() throws Exception {
    BenchFleet fleet = resources.fleet(BenchFleet.start(2, BenchServer.netty(0)));
    cycle(fleet);
    int fdsBefore = openFileDescriptors();

    for (int i = 0; i < 200; i++) {
      cycle(fleet);
    }

    await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("grpcpool-l4-")));
    // The backends' own sockets close asynchronously after the client side goes; allow them a moment.
    await().atMost(WAIT).until(() -> openFileDescriptors() <= fdsBefore + 5);
  }

  private void cycle(BenchFleet fleet) throws InterruptedException {
    L4Balancer l4 = fleet.startL4(L4Balancer.Mode.LEAST_CONNECTIONS, Duration.ZERO);
    ManagedChannel channel = io.grpc.ManagedChannelBuilder.forTarget(l4.target()).usePlaintext().build();
    try {
      EchoGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .unary(EchoRequest.getDefaultInstance());
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      l4.close();
    }
  }

  private List<Socket> connect(L4Balancer l4, int n) throws IOException {
    List<Socket> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Socket s = new Socket("127.0.0.1", l4.port());
      sockets.add(s);
      list.add(s);
    }
    return list;
  }

  /**
   * Whether the other end closed the connection: reading what the server sent (its HTTP/2 settings) reaches end
   * of stream, or a reset, before a second passes without data.
   */
  private static boolean isClosedByPeer(Socket s) throws IOException {
    s.setSoTimeout(1_000);
    InputStream in = s.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      while (true) {
        if (in.read(buffer) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static long sum(List<? extends Number> values) {
    return values.stream().mapToLong(Number::longValue).sum();
  }

  private static int openFileDescriptors() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? 0 : fds.length;
  }
}
