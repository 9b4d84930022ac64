package dev.grpcpool.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.WorkProfile;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values at and just past their bounds, where a user sets them: every {@link PoolConfig} range is accepted at
 * its edge and refused one step beyond with a message naming the setting; the bench server's builder and fault
 * controls likewise; and requests a server must not honour (a 2 GiB answer, negative work) are refused with
 * INVALID_ARGUMENT on every call kind, over Netty, without hurting the server.
 */
class InputBoundsTest {

  private static final Duration MAX = PoolConfig.MAX_DURATION;
  private static final Duration NANO = Duration.ofNanos(1);

  /** One Netty backend and pool for all the refused requests: each case must leave them serving. */
  private static BenchServer nettyServer;
  private static ChannelPool nettyPool;

  private final Cleanup cleanup = new Cleanup();

  @BeforeAll
  static void startNettyServer() {
    nettyServer = BenchServer.netty(0).start();
    nettyPool = ChannelPool.create(PoolConfig.builder(nettyServer.target()).size(1).build());
  }

  @AfterAll
  static void stopNettyServer() {
    nettyPool.close();
    nettyServer.close();
  }

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  static Stream<Arguments> poolConfigEdges() {
    return Stream.of(
        edge("size", b -> b.size(PoolConfig.MIN_SIZE), b -> b.size(PoolConfig.MIN_SIZE - 1)),
        edge("size", b -> b.size(PoolConfig.MAX_SIZE), b -> b.size(PoolConfig.MAX_SIZE + 1)),
        edge("healthCheckInterval", b -> b.healthCheckInterval(NANO), b -> b.healthCheckInterval(Duration.ZERO)),
        edge("healthCheckInterval", b -> b.healthCheckInterval(MAX), b -> b.healthCheckInterval(MAX.plus(NANO))),
        edge("healthCheckTimeout", b -> b.healthCheckTimeout(NANO), b -> b.healthCheckTimeout(NANO.negated())),
        edge("healthCheckTimeout", b -> b.healthCheckTimeout(MAX), b -> b.healthCheckTimeout(MAX.plus(NANO))),
        edge("connectTimeout", b -> b.connectTimeout(NANO), b -> b.connectTimeout(Duration.ZERO)),
        edge("connectTimeout", b -> b.connectTimeout(MAX), b -> b.connectTimeout(MAX.plus(NANO))),
        edge("keepAliveTime", b -> b.keepAliveTime(PoolConfig.MIN_KEEPALIVE_TIME),
            b -> b.keepAliveTime(PoolConfig.MIN_KEEPALIVE_TIME.minus(NANO))),
        edge("keepAliveTime", b -> b.keepAliveTime(MAX), b -> b.keepAliveTime(MAX.plus(NANO))),
        edge("keepAliveTimeout", b -> b.keepAliveTimeout(NANO), b -> b.keepAliveTimeout(Duration.ZERO)),
        edge("keepAliveTimeout", b -> b.keepAliveTimeout(MAX), b -> b.keepAliveTimeout(MAX.plus(NANO))),
        edge("maxInboundMessageSize", b -> b.maxInboundMessageSize(1), b -> b.maxInboundMessageSize(0)),
        edge("maxInboundMessageSize", b -> b.maxInboundMessageSize(Integer.MAX_VALUE),
            b -> b.maxInboundMessageSize(Integer.MIN_VALUE)),
        edge("maxChannelAge", b -> b.maxChannelAge(NANO), b -> b.maxChannelAge(Duration.ZERO)),
        edge("maxChannelAge", b -> b.maxChannelAge(MAX), b -> b.maxChannelAge(MAX.plus(NANO))),
        edge("transientFailureGrace", b -> b.transientFailureGrace(NANO), b -> b.transientFailureGrace(Duration.ZERO)),
        edge("transientFailureGrace", b -> b.transientFailureGrace(MAX),
            b -> b.transientFailureGrace(MAX.plus(NANO))),
        edge("closeTimeout", b -> b.closeTimeout(Duration.ZERO), b -> b.closeTimeout(NANO.negated())),
        edge("closeTimeout", b -> b.closeTimeout(MAX), b -> b.closeTimeout(MAX.plus(NANO))));
  }

  private static Arguments edge(String setting, UnaryOperator<PoolConfig.Builder> atBound,
      UnaryOperator<PoolConfig.Builder> pastBound) {
    return Arguments.of(setting, atBound, pastBound);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("poolConfigEdges")
  void poolConfig_acceptsValueAtItsBound_andRejectsOneStepPastIt_namingTheSetting(String setting,
      UnaryOperator<PoolConfig.Builder> atBound, UnaryOperator<PoolConfig.Builder> pastBound) {
    assertThatCode(() -> atBound.apply(PoolConfig.builder("dns:///echo:50051")).build()).doesNotThrowAnyException();
    assertThatThrownBy(() -> pastBound.apply(PoolConfig.builder("dns:///echo:50051")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(setting + " must be");
  }

  @Test
  void benchServerSettings_acceptBounds_andRejectOneStepPast() throws Exception {
    assertThatCode(() -> BenchServer.netty(65_535)).doesNotThrowAnyException();
    assertThatThrownBy(() -> BenchServer.netty(65_536)).hasMessageContaining("port");
    assertThatThrownBy(() -> BenchServer.netty(-1)).hasMessageContaining("port");
    assertThatCode(() -> BenchServer.netty(0).maxConcurrentCallsPerConnection(1)).doesNotThrowAnyException();
    assertThatThrownBy(() -> BenchServer.netty(0).maxConcurrentCallsPerConnection(0))
        .hasMessageContaining("maxConcurrentCallsPerConnection");
    assertThatThrownBy(() -> BenchServer.netty(0).maxConnectionAge(Duration.ZERO))
        .hasMessageContaining("maxConnectionAge");
    assertThatCode(() -> WorkProfile.io(WorkProfile.MAX_MICROS)).doesNotThrowAnyException();
    assertThatThrownBy(() -> WorkProfile.io(WorkProfile.MAX_MICROS + 1)).hasMessageContaining("ioMicros");

    BenchServer server = cleanup.add(BenchServer.inProcess("reliability-bounds").start());
    assertThatCode(() -> server.slowDown(Duration.ofSeconds(60))).doesNotThrowAnyException();
    server.slowDown(Duration.ZERO);
    assertThatThrownBy(() -> server.slowDown(Duration.ofSeconds(60).plus(NANO))).hasMessageContaining("slowDown");
    assertThatThrownBy(() -> server.slowDown(NANO.negated())).hasMessageContaining("slowDown");
    assertThatThrownBy(() -> server.failNext(-1, Status.Code.UNAVAILABLE)).hasMessageContaining("n must be");
    assertThatThrownBy(() -> server.failNext(1, Status.Code.OK)).hasMessageContaining("OK");
  }

  /** The four call kinds of the echo service. */
  enum CallKind { UNARY, SERVER_STREAM, CLIENT_STREAM, BIDI }

  static Stream<Arguments> unservable() {
    EchoRequest twoGiB = EchoRequest.newBuilder().setResponseSize(Integer.MAX_VALUE).build();
    EchoRequest twoGiBStreamed = EchoRequest.newBuilder().setResponseSize(64 << 20).setStreamMessages(32).build();
    EchoRequest negativeCpu = EchoRequest.newBuilder().setCpuMicros(-1).build();
    EchoRequest negativeIo = EchoRequest.newBuilder().setIoMicros(-1).build();
    Stream.Builder<Arguments> cases = Stream.builder();
    for (CallKind kind : CallKind.values()) {
      cases.add(Arguments.of(kind, "2 GiB answer", twoGiB));
      cases.add(Arguments.of(kind, "negative cpu work", negativeCpu));
      cases.add(Arguments.of(kind, "negative io work", negativeIo));
    }
    cases.add(Arguments.of(CallKind.SERVER_STREAM, "32 x 64 MiB = 2 GiB streamed", twoGiBStreamed));
    return cases.build();
  }

  /** Promise: unservable requests are refused with INVALID_ARGUMENT on every call kind; the server serves on. */
  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("unservable")
  void unservableRequest_overNettyPool_isRefusedWithInvalidArgument_andServerServesOn(CallKind kind, String what,
      EchoRequest request) throws Exception {
    Status status = statusOf(kind, nettyPool, request);

    assertThat(status.getCode()).as("status of %s %s: %s", kind, what, status).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isNotBlank();
    assertThat(EchoGrpc.newBlockingStub(nettyPool).withDeadlineAfter(30, TimeUnit.SECONDS)
        .unary(EchoRequest.getDefaultInstance()).getBackendId()).isEqualTo(nettyServer.backendId());
  }

  private static Status statusOf(CallKind kind, ChannelPool pool, EchoRequest request) throws Exception {
    EchoGrpc.EchoBlockingStub blocking = EchoGrpc.newBlockingStub(pool).withDeadlineAfter(30, TimeUnit.SECONDS);
    try {
      switch (kind) {
        case UNARY:
          blocking.unary(request);
          return Status.OK;
        case SERVER_STREAM:
          blocking.serverStream(request).forEachRemaining(answer -> { });
          return Status.OK;
        default:
          break;
      }
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    CompletableFuture<Status> closed = new CompletableFuture<>();
    StreamObserver<EchoResponse> answers = new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {}

      @Override
      public void onError(Throwable t) {
        closed.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        closed.complete(Status.OK);
      }
    };
    EchoGrpc.EchoStub stub = EchoGrpc.newStub(pool).withDeadlineAfter(30, TimeUnit.SECONDS);
    StreamObserver<EchoRequest> requests = kind == CallKind.CLIENT_STREAM
        ? stub.clientStream(answers) : stub.bidi(answers);
    requests.onNext(request);
    requests.onCompleted();
    return closed.get(60, TimeUnit.SECONDS);
  }
}
