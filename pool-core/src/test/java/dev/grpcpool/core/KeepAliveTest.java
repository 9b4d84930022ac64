package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.awaitAllReady;
import static dev.grpcpool.core.PoolTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ConnectivityState;
import io.grpc.Status;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The keepalive choice of {@link PoolConfig}, proven against a grpc-java Netty server with default settings
 * (it permits one ping per 5 minutes, none without calls, and closes a connection after its third
 * early ping with GOAWAY {@code too_many_pings}).
 */
class KeepAliveTest {

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void defaultServer_killsTheArticlesTenSecondPings_butKeepsThePoolDefault() throws Exception {
    PoolTestBackend server = support.nettyBackends(1).get(0);
    ChannelPool article = support.pool(PoolConfig.builder(server.target()).size(1).aggressiveKeepAlive());
    ChannelPool standard = support.pool(PoolConfig.builder(server.target()).size(1));
    awaitAllReady(article);
    awaitAllReady(standard);
    // Both channels carry an idle, open stream side by side: the client pings when nothing is read.
    PoolTestSupport.Outcome articleStream = new PoolTestSupport.Outcome();
    PoolTestSupport.Outcome standardStream = new PoolTestSupport.Outcome();
    SimpleServiceGrpc.newStub(article).serverStreamingRpc(request("hold"), articleStream);
    SimpleServiceGrpc.newStub(standard).serverStreamingRpc(request("hold"), standardStream);
    await().atMost(Duration.ofSeconds(30)).until(() -> server.held() == 2);

    // Pings at about 10, 20 and 30 seconds; the third is one strike too many.
    await().atMost(Duration.ofSeconds(120)).until(articleStream::done);

    Status killed = Status.fromThrowable(articleStream.error.get());
    assertThat(killed.getDescription()).contains("too_many_pings");
    assertThat(standardStream.done()).as("the default's stream is still open").isFalse();
    assertThat(standard.stats().channels().get(0).state()).isEqualTo(ConnectivityState.READY);
    server.releaseHeld();
    await().atMost(Duration.ofSeconds(30)).until(standardStream::done);
    assertThat(standardStream.error.get()).isNull();
    assertThat(standardStream.messages.get()).isEqualTo(2);
    assertThat(SimpleServiceGrpc.newBlockingStub(standard).unaryRpc(request("")).getResponseMessage())
        .isEqualTo(server.id);
  }
}
