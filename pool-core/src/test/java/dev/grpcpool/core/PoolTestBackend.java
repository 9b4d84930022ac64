package dev.grpcpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC backend for the pool tests: grpc-testing-proto's {@code SimpleService} plus the standard
 * grpc.health.v1 service, in-process (generated name) or on Netty (127.0.0.1).
 *
 * <p>The unary request message selects the behaviour: {@code ""} answers the backend's id at once,
 * {@code "hold"} parks the call until {@link #releaseHeld()}, {@code "delay:MS"} answers after MS
 * milliseconds without blocking a thread, {@code "size:N"} answers N bytes, {@code "fail:KEY:N"} fails the
 * first N calls with that key with UNAVAILABLE. Server streaming sends one message, then behaves like unary
 * "hold" or completes after two more messages.
 *
 * <p>Thread-safe.
 */
final class PoolTestBackend implements AutoCloseable {

  final String id;
  final HealthStatusManager health = new HealthStatusManager();
  private final boolean netty;
  /** Netty's maxConcurrentCallsPerConnection (HTTP/2 MAX_CONCURRENT_STREAMS); 0 for gRPC's default. */
  private final int maxStreams;
  private final String name;
  private volatile int port;
  private volatile Server server;
  private final AtomicInteger unaryCalls = new AtomicInteger();
  private final Queue<StreamObserver<SimpleResponse>> held = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final ScheduledExecutorService delays;

  private PoolTestBackend(String id, boolean netty, int maxStreams, String name) {
    this.id = id;
    this.netty = netty;
    this.maxStreams = maxStreams;
    this.name = name;
    this.delays = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pool-test-backend-" + id);
      t.setDaemon(true);
      return t;
    });
  }

  static PoolTestBackend inProcess(String id) throws IOException {
    return inProcess(id, "pool-test-" + id + "-" + UUID.randomUUID());
  }

  /** An in-process backend under a given name, e.g. one a pool has been failing to reach. */
  static PoolTestBackend inProcess(String id, String name) throws IOException {
    PoolTestBackend b = new PoolTestBackend(id, false, 0, name);
    b.start();
    return b;
  }

  static PoolTestBackend netty(String id) throws IOException {
    return netty(id, 0);
  }

  /**
   * A Netty backend that serves at most {@code maxStreams} calls at once per connection (0: gRPC's default);
   * further calls wait client-side until one ends.
   */
  static PoolTestBackend netty(String id, int maxStreams) throws IOException {
    PoolTestBackend b = new PoolTestBackend(id, true, maxStreams, null);
    b.start();
    return b;
  }

  /** An in-process target with no server behind it (yet). */
  static String unusedInProcessName() {
    return "pool-test-missing-" + UUID.randomUUID();
  }

  /** The channel builder factory for in-process targets. */
  static PoolConfig.ChannelBuilderFactory inProcessChannels() {
    return target -> InProcessChannelBuilder.forName(target).directExecutor();
  }

  private void start() throws IOException {
    ServerBuilder<?> builder;
    if (netty) {
      NettyServerBuilder nettyBuilder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
      builder = maxStreams > 0 ? nettyBuilder.maxConcurrentCallsPerConnection(maxStreams) : nettyBuilder;
    } else {
      builder = InProcessServerBuilder.forName(name).directExecutor();
    }
    server = builder.addService(new Service()).addService(health.getHealthService()).build().start();
    port = netty ? server.getPort() : -1;
  }

  /** The in-process name, or "127.0.0.1:port". */
  String target() {
    return netty ? "127.0.0.1:" + port : name;
  }

  int port() {
    return port;
  }

  int unaryCalls() {
    return unaryCalls.get();
  }

  int held() {
    return held.size();
  }

  /** Completes every parked call with OK. */
  void releaseHeld() {
    StreamObserver<SimpleResponse> o;
    while ((o = held.poll()) != null) {
      try {
        o.onNext(response(id));
        o.onCompleted();
      } catch (RuntimeException callAlreadyCancelled) {
        // The client gave up on it; nothing left to answer.
      }
    }
  }

  void setServing(String service, boolean serving) {
    health.setStatus(service, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Stops accepting and drops every connection, like a crashed backend. */
  void stop() throws InterruptedException {
    server.shutdownNow();
    assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).as("backend %s stopped", id).isTrue();
    held.clear();
  }

  /** Starts again on the same port (in-process: the same name), retrying the bind for a few seconds. */
  void restart() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        start();
        return;
      } catch (IOException e) {
        boolean bindFailed = e instanceof BindException || e.getCause() instanceof BindException;
        if (!bindFailed || System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  @Override
  public void close() {
    delays.shutdownNow();
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static SimpleResponse response(String message) {
    return SimpleResponse.newBuilder().setResponseMessage(message).build();
  }

  private final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {
    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> observer) {
      unaryCalls.incrementAndGet();
      String m = request.getRequestMessage();
      if (m.equals("hold")) {
        held.add(observer);
      } else if (m.startsWith("delay:")) {
        long millis = Long.parseLong(m.substring("delay:".length()));
        delays.schedule(() -> {
          observer.onNext(response(id));
          observer.onCompleted();
        }, millis, TimeUnit.MILLISECONDS);
      } else if (m.startsWith("size:")) {
        observer.onNext(response("x".repeat(Integer.parseInt(m.substring("size:".length())))));
        observer.onCompleted();
      } else if (m.startsWith("fail:")) {
        String[] parts = m.split(":");
        int attempt = failures.computeIfAbsent(parts[1], k -> new AtomicInteger()).incrementAndGet();
        if (attempt <= Integer.parseInt(parts[2])) {
          observer.onError(Status.UNAVAILABLE.withDescription("failing attempt " + attempt).asRuntimeException());
        } else {
          observer.onNext(response(id));
          observer.onCompleted();
        }
      } else {
        observer.onNext(response(id));
        observer.onCompleted();
      }
    }

    @Override
    public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> observer) {
      observer.onNext(response(id));
      if (request.getRequestMessage().equals("hold")) {
        held.add(observer);
        return;
      }
      observer.onNext(response(id));
      observer.onNext(response(id));
      observer.onCompleted();
    }

    @Override
    public StreamObserver<SimpleRequest> clientStreamingRpc(StreamObserver<SimpleResponse> observer) {
      AtomicInteger count = new AtomicInteger();
      return new StreamObserver<>() {
        @Override
        public void onNext(SimpleRequest value) {
          count.incrementAndGet();
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          observer.onNext(response(Integer.toString(count.get())));
          observer.onCompleted();
        }
      };
    }

    @Override
    public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> observer) {
      return new StreamObserver<>() {
        @Override
        public void onNext(SimpleRequest value) {
          observer.onNext(response(value.getRequestMessage()));
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          observer.onCompleted();
        }
      };
    }
  }
}
