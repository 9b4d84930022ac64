package dev.grpcpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shared fixture of the pool tests: starts backends and pools, registers everything for cleanup, and
 * fails the test when a pool does not terminate.
 *
 * <p>Not thread-safe; one instance per test.
 */
final class PoolTestSupport {

  static final Duration LONG_WAIT = Duration.ofSeconds(30);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<ChannelPool> pools = new ArrayList<>();

  static SimpleRequest request(String message) {
    return SimpleRequest.newBuilder().setRequestMessage(message).build();
  }

  List<PoolTestBackend> inProcessBackends(int n) throws IOException {
    List<PoolTestBackend> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(register(PoolTestBackend.inProcess("b" + i)));
    }
    return list;
  }

  List<PoolTestBackend> nettyBackends(int n) throws IOException {
    List<PoolTestBackend> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(register(PoolTestBackend.netty("n" + i)));
    }
    return list;
  }

  static List<String> targets(List<PoolTestBackend> backends) {
    List<String> list = new ArrayList<>();
    for (PoolTestBackend b : backends) {
      list.add(b.target());
    }
    return list;
  }

  /** An in-process pool over {@code targets}, one channel per target unless the builder says otherwise. */
  static PoolConfig.Builder inProcessConfig(List<String> targets) {
    return PoolConfig.builder(targets).size(targets.size())
        .channelBuilderFactory(PoolTestBackend.inProcessChannels());
  }

  ChannelPool pool(PoolConfig.Builder builder) {
    ChannelPool pool = ChannelPool.create(builder.build());
    pools.add(pool);
    return pool;
  }

  static void awaitAllReady(ChannelPool pool) {
    await().atMost(LONG_WAIT).until(() -> pool.stats().ready() == pool.size());
  }

  <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    return resource;
  }

  ExecutorService register(ExecutorService executor) {
    resources.push(executor::shutdownNow);
    return executor;
  }

  void close() throws Exception {
    for (ChannelPool pool : pools) {
      pool.shutdownNow();
    }
    for (ChannelPool pool : pools) {
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("pool terminated: %s", pool).isTrue();
    }
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  /** Collects the outcome of one async call. Thread-safe. */
  static final class Outcome implements StreamObserver<SimpleResponse> {
    final AtomicInteger messages = new AtomicInteger();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    volatile String lastMessage;
    volatile boolean completed;

    @Override
    public void onNext(SimpleResponse value) {
      lastMessage = value.getResponseMessage();
      messages.incrementAndGet();
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    boolean done() {
      return completed || error.get() != null;
    }
  }
}
