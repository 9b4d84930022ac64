package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.LONG_WAIT;
import static dev.grpcpool.core.PoolTestSupport.awaitAllReady;
import static dev.grpcpool.core.PoolTestSupport.inProcessConfig;
import static dev.grpcpool.core.PoolTestSupport.request;
import static dev.grpcpool.core.PoolTestSupport.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for how {@link ChannelPool} replaces channels: under load, by age, after failures, and when not to. */
class ChannelPoolReplacementTest {

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void threadsPickingAndCallingWhileChannelsAreReplaced_neverGetAShutDownChannel_andLoseNoCall() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).size(4));
    awaitAllReady(pool);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);
    ExecutorService workers = support.register(Executors.newFixedThreadPool(6));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger completed = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      running.add(workers.submit(() -> {
        while (!stop.get()) {
          try {
            // A few milliseconds in flight, so replacements land while calls are running.
            stub.unaryRpc(request("delay:3"));
            completed.incrementAndGet();
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
      }));
    }

    for (int k = 0; k < 40; k++) {
      assertThat(pool.maintenance().replace(pool.current(k % 4), "test")).isTrue();
      int seen = completed.get();
      await().atMost(LONG_WAIT).pollInterval(Duration.ofMillis(2)).until(() -> completed.get() >= seen + 3);
    }
    stop.set(true);
    for (Future<?> f : running) {
      f.get(30, TimeUnit.SECONDS);
    }

    assertThat(failures).isEmpty();
    assertThat(completed.get()).isGreaterThanOrEqualTo(120);
    assertThat(pool.stats().reconnects()).isEqualTo(40);
    assertThat(pool.stats().inFlight()).isZero();
    // Every replaced channel shut down gracefully and terminated; none is left running.
    await().atMost(LONG_WAIT).until(() -> pool.stats().draining() == 0);
  }

  @Test
  void maxChannelAge_replacesEveryChannel_whileCallsKeepSucceeding() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    ChannelPool pool = support.pool(inProcessConfig(targets(backends)).size(3)
        .maxChannelAge(Duration.ofMillis(600)));
    List<PooledChannel> firstGeneration = List.of(pool.current(0), pool.current(1), pool.current(2));
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pool);
    long deadline = System.nanoTime() + LONG_WAIT.toNanos();

    int calls = 0;
    while (pool.stats().reconnects() < 6 && System.nanoTime() < deadline) {
      stub.unaryRpc(request("delay:2"));
      calls++;
    }

    assertThat(pool.stats().reconnects()).isGreaterThanOrEqualTo(6);
    for (int i = 0; i < 3; i++) {
      assertThat(pool.current(i)).isNotIn(firstGeneration);
    }
    assertThat(backends.get(0).unaryCalls()).isEqualTo(calls);
    assertThat(pool.stats().channels().stream().mapToLong(PoolStats.ChannelStats::callsFailed).sum()).isZero();
  }

  @Test
  void ageDelay_spreadsTheFirstGenerationOverTheJitterWindow_byIndex() {
    long maxAge = TimeUnit.MINUTES.toNanos(10);
    Random random = new Random(42);
    int size = 8;

    long[] delays = new long[size];
    for (int i = 0; i < size; i++) {
      delays[i] = PoolMaintenance.ageDelayNanos(maxAge, i, size, true, random);
    }

    long window = (long) (maxAge * PoolMaintenance.AGE_JITTER);
    for (int i = 0; i < size; i++) {
      assertThat(delays[i]).isBetween(maxAge - window, maxAge);
      // Channel i refreshes in its own 1/size share of the window, so no two refresh together.
      assertThat(delays[i]).isBetween(maxAge - window * (i + 1) / size, maxAge - window * i / size);
    }
    for (int k = 0; k < 100; k++) {
      assertThat(PoolMaintenance.ageDelayNanos(maxAge, 0, size, false, random))
          .isBetween(maxAge - window, maxAge);
    }
  }

  @Test
  void channelFailingPastGrace_isReplacedByOneBuiltFromTheFullConfig() throws Exception {
    List<PoolTestBackend> live = support.inProcessBackends(2);
    String missing = PoolTestBackend.unusedInProcessName();
    // Retries only happen if the pool passed both retryEnabled and the service config to the new channel.
    Map<String, ?> retryTwice = Map.of("methodConfig", List.of(Map.of(
        "name", List.of(Map.of("service", SimpleServiceGrpc.SERVICE_NAME)),
        "retryPolicy", Map.of("maxAttempts", 3.0, "initialBackoff", "0.01s", "maxBackoff", "0.05s",
            "backoffMultiplier", 2.0, "retryableStatusCodes", List.of("UNAVAILABLE")))));
    ChannelPool pool = support.pool(inProcessConfig(List.of(missing, live.get(0).target(), live.get(1).target()))
        .healthCheckInterval(Duration.ofMillis(100)).transientFailureGrace(Duration.ofMillis(200))
        .defaultServiceConfig(retryTwice).retryEnabled(true));
    PooledChannel failing = pool.current(0);
    PooledChannel healthy1 = pool.current(1);
    PooledChannel healthy2 = pool.current(2);

    await().atMost(LONG_WAIT).until(() -> pool.stats().reconnects() >= 1);
    assertThat(pool.current(0)).isNotSameAs(failing);
    assertThat(pool.current(1)).isSameAs(healthy1);
    assertThat(pool.current(2)).isSameAs(healthy2);
    await().atMost(LONG_WAIT).until(failing.channel::isTerminated);

    PoolTestBackend revived = support.register(PoolTestBackend.inProcess("revived", missing));
    await().atMost(LONG_WAIT).until(() -> pool.stats().channels().get(0).state() == ConnectivityState.READY);
    String served = SimpleServiceGrpc.newBlockingStub(pool.current(0).channel)
        .unaryRpc(request("fail:replaced:2")).getResponseMessage();
    assertThat(served).isEqualTo("revived");
    assertThat(revived.unaryCalls()).as("two failed attempts and the retry").isEqualTo(3);
  }

  @Test
  void mostChannelsFailing_backendLooksDown_channelsAreNotChurned_andRecoverByThemselves() throws Exception {
    String missing = PoolTestBackend.unusedInProcessName();
    ChannelPool pool = support.pool(inProcessConfig(List.of(missing)).size(3)
        .healthCheckInterval(Duration.ofMillis(100)).transientFailureGrace(Duration.ofMillis(500)));
    await().atMost(LONG_WAIT).until(() -> pool.stats().transientFailure() == 3);

    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
        .until(() -> pool.stats().reconnects() == 0);
    support.register(PoolTestBackend.inProcess("late", missing));

    // The health pass resets the reconnect backoff of failing channels, so they find the backend soon.
    awaitAllReady(pool);
    assertThat(pool.stats().reconnects()).isZero();
  }
}
