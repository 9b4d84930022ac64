package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.LONG_WAIT;
import static dev.grpcpool.core.PoolTestSupport.awaitAllReady;
import static dev.grpcpool.core.PoolTestSupport.inProcessConfig;
import static dev.grpcpool.core.PoolTestSupport.request;
import static dev.grpcpool.core.PoolTestSupport.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tests for the calls {@link ChannelPool} makes: stubs bound to the pool, in-flight accounting in the corner
 * cases, and the lifecycle (shutdown, close, draining), against in-process backends.
 */
class ChannelPoolCallTest {

  private static final CallOptions.Key<Boolean> FAIL_START = CallOptions.Key.create("failStart");

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void stubBoundOnceToPool_servesUnaryAndEveryStreamingKind() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(2);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    SimpleServiceGrpc.SimpleServiceBlockingStub blocking = SimpleServiceGrpc.newBlockingStub(pool);
    SimpleServiceGrpc.SimpleServiceStub async = SimpleServiceGrpc.newStub(pool);

    assertThat(blocking.unaryRpc(request("")).getResponseMessage()).isIn("b0", "b1");
    Iterator<SimpleResponse> stream = blocking.serverStreamingRpc(request(""));
    int serverMessages = 0;
    while (stream.hasNext()) {
      stream.next();
      serverMessages++;
    }
    PoolTestSupport.Outcome clientStream = new PoolTestSupport.Outcome();
    StreamObserver<SimpleRequest> upload = async.clientStreamingRpc(clientStream);
    for (int i = 0; i < 5; i++) {
      upload.onNext(request("m"));
    }
    upload.onCompleted();
    PoolTestSupport.Outcome bidi = new PoolTestSupport.Outcome();
    StreamObserver<SimpleRequest> chat = async.bidiStreamingRpc(bidi);
    chat.onNext(request("a"));
    chat.onNext(request("b"));
    chat.onCompleted();
    await().atMost(LONG_WAIT).until(() -> clientStream.done() && bidi.done());

    assertThat(serverMessages).isEqualTo(3);
    assertThat(clientStream.lastMessage).isEqualTo("5");
    assertThat(bidi.messages.get()).isEqualTo(2);
    assertThat(bidi.error.get()).isNull();
    PoolStats stats = pool.stats();
    assertThat(stats.inFlight()).isZero();
    assertThat(stats.channels().stream().mapToLong(PoolStats.ChannelStats::callsOk).sum()).isEqualTo(4);
  }

  @Test
  void callCancelledBeforeStart_leavesEveryInFlightCountAtZero() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(2);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    ClientCall<SimpleRequest, SimpleResponse> call =
        pool.newCall(SimpleServiceGrpc.getUnaryRpcMethod(), CallOptions.DEFAULT);
    assertThat(pool.stats().inFlight()).as("counted from the pick").isEqualTo(1);

    call.cancel("changed my mind", null);
    call.cancel("and once more", null);

    PoolStats stats = pool.stats();
    assertThat(stats.channels()).allMatch(c -> c.inFlight() == 0);
    assertThat(pool.current(0).unstarted() + pool.current(1).unstarted()).isZero();
    assertThat(stats.channels().stream().mapToLong(PoolStats.ChannelStats::callsFailed).sum()).isEqualTo(1);
    assertThat(backends.get(0).unaryCalls() + backends.get(1).unaryCalls()).isZero();
  }

  @Test
  void startThatThrows_releasesItsInFlightCountOnce() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ClientInterceptor failingStart = new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        if (options.getOption(FAIL_START) == null) {
          return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            throw new IllegalStateException("start failed");
          }
        };
      }
    };
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).channelBuilderFactory(
        t -> InProcessChannelBuilder.forName(t).directExecutor().intercept(failingStart)));
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);

    assertThatThrownBy(() -> stub.withOption(FAIL_START, true).unaryRpc(request("")))
        .isInstanceOf(IllegalStateException.class).hasMessage("start failed");
    stub.unaryRpc(request(""));

    PoolStats.ChannelStats channel = pool.stats().channels().get(0);
    assertThat(channel.inFlight()).isZero();
    assertThat(pool.current(0).unstarted()).isZero();
    assertThat(channel.callsFailed()).isEqualTo(1);
    assertThat(channel.callsOk()).isEqualTo(1);
  }

  @Test
  void afterShutdown_callsFailFastWithUnavailable() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);
    stub.unaryRpc(request(""));

    pool.shutdown();

    assertThatThrownBy(() -> stub.unaryRpc(request("")))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    PoolTestSupport.Outcome async = new PoolTestSupport.Outcome();
    SimpleServiceGrpc.newStub(pool).unaryRpc(request(""), async);
    assertThat(async.error.get()).isNotNull();
    assertThat(Status.fromThrowable(async.error.get()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(backends.get(0).unaryCalls()).isEqualTo(1);
    assertThat(pool.isShutdown()).isTrue();
    assertThat(pool.getState(false)).isEqualTo(ConnectivityState.SHUTDOWN);
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.isTerminated()).isTrue();
  }

  @Test
  void close_calledTwice_isSafeAndLeavesPoolTerminated() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).size(3));
    SimpleServiceGrpc.newBlockingStub(pool).unaryRpc(request(""));

    pool.close();
    pool.close();

    assertThat(pool.isTerminated()).isTrue();
    assertThat(pool.stats().shutdown()).isEqualTo(3);
  }

  @Test
  void close_waitsForCallInFlight_thenReturnsOnceItFinishes() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).closeTimeout(Duration.ofSeconds(60)));
    PoolTestSupport.Outcome slow = new PoolTestSupport.Outcome();
    SimpleServiceGrpc.newStub(pool).unaryRpc(request("hold"), slow);
    await().atMost(LONG_WAIT).until(() -> backends.get(0).held() == 1);
    ExecutorService closer = support.register(Executors.newSingleThreadExecutor());

    Future<?> closing = closer.submit(pool::close);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> !closing.isDone());
    assertThat(pool.isShutdown()).isTrue();
    backends.get(0).releaseHeld();
    closing.get(30, TimeUnit.SECONDS);

    assertThat(slow.completed).isTrue();
    assertThat(slow.error.get()).isNull();
    assertThat(pool.isTerminated()).isTrue();
  }

  @Test
  void close_cancelsCallsStillRunningAfterCloseTimeout() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).closeTimeout(Duration.ofMillis(200)));
    PoolTestSupport.Outcome stuck = new PoolTestSupport.Outcome();
    SimpleServiceGrpc.newStub(pool).unaryRpc(request("hold"), stuck);
    await().atMost(LONG_WAIT).until(() -> backends.get(0).held() == 1);

    pool.close();

    assertThat(pool.isTerminated()).isTrue();
    await().atMost(LONG_WAIT).until(stuck::done);
    assertThat(Status.fromThrowable(stuck.error.get()).getCode())
        .isIn(Status.Code.CANCELLED, Status.Code.UNAVAILABLE);
    assertThat(pool.stats().inFlight()).isZero();
  }

  @Test
  void replacedChannel_finishesItsCallInFlight_thenTerminates() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    awaitAllReady(pool);
    PoolTestSupport.Outcome stream = new PoolTestSupport.Outcome();
    SimpleServiceGrpc.newStub(pool).serverStreamingRpc(request("hold"), stream);
    await().atMost(LONG_WAIT).until(() -> backends.get(0).held() == 1);
    PooledChannel old = pool.current(0);

    assertThat(pool.maintenance().replace(old, "test")).isTrue();
    assertThat(pool.current(0)).isNotSameAs(old);
    await().atMost(LONG_WAIT).until(old.channel::isShutdown);
    assertThat(old.channel.isTerminated()).as("old channel still serving its call").isFalse();
    assertThat(pool.stats().draining()).isEqualTo(1);
    assertThat(pool.stats().drainingInFlight()).as("the held stream, still running on the old channel").isEqualTo(1);
    assertThat(pool.stats().inFlight()).isEqualTo(1);
    SimpleServiceGrpc.newBlockingStub(pool).unaryRpc(request(""));
    backends.get(0).releaseHeld();

    await().atMost(LONG_WAIT).until(stream::done);
    assertThat(stream.error.get()).isNull();
    assertThat(stream.messages.get()).isEqualTo(2);
    await().atMost(LONG_WAIT).until(old.channel::isTerminated);
    assertThat(pool.stats().draining()).isZero();
    assertThat(pool.stats().reconnects()).isEqualTo(1);
  }

  @Test
  void shutdownAndAwaitTermination_coverReplacedChannelStillDraining() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)));
    awaitAllReady(pool);
    PoolTestSupport.Outcome stream = new PoolTestSupport.Outcome();
    SimpleServiceGrpc.newStub(pool).serverStreamingRpc(request("hold"), stream);
    await().atMost(LONG_WAIT).until(() -> backends.get(0).held() == 1);
    PooledChannel old = pool.current(0);
    assertThat(pool.maintenance().replace(old, "test")).isTrue();

    pool.shutdown();

    assertThat(old.channel.isShutdown()).isTrue();
    assertThat(pool.awaitTermination(200, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(pool.isTerminated()).isFalse();
    backends.get(0).releaseHeld();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(old.channel.isTerminated()).isTrue();
    assertThat(stream.error.get()).isNull();
    assertThat(stream.completed).isTrue();
  }
}
