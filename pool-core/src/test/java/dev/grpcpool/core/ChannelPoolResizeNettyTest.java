package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.LONG_WAIT;
import static dev.grpcpool.core.PoolTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tests for a {@link ChannelPool} that sizes itself over real Netty connections to 127.0.0.1: against a server
 * that caps calls per connection it sees the calls queue and grows, and without a cap at low load it does not.
 */
class ChannelPoolResizeNettyTest {

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void serverCappedAt20CallsPerConnection_200Callers_growsToServeThem_thenShrinksToMinSize_noCallFails()
      throws Exception {
    PoolTestBackend backend = support.register(PoolTestBackend.netty("capped", 20));
    Duration interval = Duration.ofSeconds(1);
    ChannelPool pool = support.pool(PoolConfig.builder(backend.target()).minSize(1).maxSize(16)
        .resizeInterval(interval).maxResizeStep(8));
    ClosedLoop callers = new ClosedLoop(SimpleServiceGrpc.newStub(pool), request("delay:10"), 200);

    // 200 calls need 10 connections of 20 streams; calls per channel alone (band 10..50) would stop at 4.
    await().atMost(Duration.ofSeconds(20)).until(() -> pool.size() >= 10);
    PoolStats grown = pool.stats();
    assertThat(grown.sizing().grownForQueuing()).as("grown because calls queued: %s", grown).isPositive();
    assertThat(grown.channels().get(0).queuedCalls()).as("calls that waited on the first connection").isPositive();
    // Served: calls keep completing on the grown pool. (Whether they still wait is not asserted: on a machine
    // short of CPU the transport's event loop is late too, and that reads as waiting.)
    long okBefore = grown.callsOk();
    await().atMost(LONG_WAIT).until(() -> pool.stats().callsOk() - okBefore >= 1000);
    assertThat(pool.size()).isLessThanOrEqualTo(16);

    callers.stop();
    long stoppedNanos = System.nanoTime();
    await().atMost(LONG_WAIT).until(() -> pool.size() == 1);
    Duration shrinkTime = Duration.ofNanos(System.nanoTime() - stoppedNanos);
    // Three decisions at most (the first may still average some of the load in: 16 -> 10 -> 2 -> 1); two more
    // intervals are slack for a busy machine.
    assertThat(shrinkTime).as("back to minSize within 3 intervals").isLessThan(interval.multipliedBy(5));
    assertThat(pool.stats().sizing().shrunkBelowBand()).isLessThanOrEqualTo(3);
    assertThat(callers.failures).as("calls that failed").isEmpty();
    assertThat(callers.completed.get()).isGreaterThan(1000);
    await().atMost(LONG_WAIT).until(() -> pool.stats().draining() == 0);
    assertThat(pool.stats().callsFailed()).isZero();
  }

  @Test
  void uncappedServerAtLowLoad_staysAtMinSize() throws Exception {
    PoolTestBackend backend = support.register(PoolTestBackend.netty("uncapped"));
    Duration interval = Duration.ofMillis(500);
    ChannelPool pool = support.pool(PoolConfig.builder(backend.target()).minSize(1).maxSize(8)
        .resizeInterval(interval));
    ClosedLoop callers = new ClosedLoop(SimpleServiceGrpc.newStub(pool), request("delay:2"), 4);

    // Six decisions' worth of calls.
    await().pollDelay(interval.multipliedBy(6)).atMost(LONG_WAIT).until(() -> pool.stats().callsOk() > 100);
    callers.stop();

    PoolStats stats = pool.stats();
    assertThat(stats.sizing().resizesUp()).as("%s", stats).isZero();
    assertThat(pool.size()).isEqualTo(1);
    assertThat(callers.failures).isEmpty();
  }

  /** {@code n} callers, each starting its next call when the last one ends, until stopped. Thread-safe. */
  private static final class ClosedLoop {
    final AtomicLong completed = new AtomicLong();
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped;
    private final SimpleServiceGrpc.SimpleServiceStub stub;
    private final SimpleRequest request;

    ClosedLoop(SimpleServiceGrpc.SimpleServiceStub stub, SimpleRequest request, int n) {
      this.stub = stub;
      this.request = request;
      this.stopped = new CountDownLatch(n);
      for (int i = 0; i < n; i++) {
        next();
      }
    }

    private void next() {
      if (stopping.get()) {
        stopped.countDown();
        return;
      }
      stub.unaryRpc(request, new StreamObserver<SimpleResponse>() {
        @Override
        public void onNext(SimpleResponse value) {}

        @Override
        public void onError(Throwable t) {
          // The caller stops: a call failing at once would otherwise recurse here without end.
          failures.add(t);
          stopped.countDown();
        }

        @Override
        public void onCompleted() {
          completed.incrementAndGet();
          next();
        }
      });
    }

    /** Lets every caller finish its call in flight, then stop. */
    void stop() throws InterruptedException {
      stopping.set(true);
      assertThat(stopped.await(30, TimeUnit.SECONDS)).as("callers stopped").isTrue();
    }
  }
}
