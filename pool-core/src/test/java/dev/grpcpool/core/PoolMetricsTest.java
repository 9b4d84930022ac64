package dev.grpcpool.core;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link PoolMetrics}: a real pool of in-process channels to an in-process server serving the
 * grpc-testing {@code SimpleService}; the meters are read back from real registries.
 */
class PoolMetricsTest {

  private static final int SIZE = 3;
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Requests with this message fail with INVALID_ARGUMENT. */
  private static final String FAIL = "fail";
  /** Requests with this message are held until {@link #release} counts down. */
  private static final String HOLD = "hold";

  private final String serverName = InProcessServerBuilder.generateName();

  private final CountDownLatch release = new CountDownLatch(1);
  private final List<MeterRegistry> registries = new ArrayList<>();
  /** Not direct: a held call must not block the thread that serves the others. */
  private final ExecutorService serverExecutor = Executors.newCachedThreadPool();
  private Server server;
  private ChannelPool pool;
  private PoolMetrics metrics;

  @BeforeEach
  void setUp() throws IOException {
    server = InProcessServerBuilder.forName(serverName)
        .executor(serverExecutor)
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            if (FAIL.equals(request.getRequestMessage())) {
              response.onError(Status.INVALID_ARGUMENT.withDescription("asked to fail").asRuntimeException());
              return;
            }
            if (HOLD.equals(request.getRequestMessage())) {
              try {
                release.await(30, SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            response.onNext(SimpleResponse.newBuilder().setResponseMessage("ok").build());
            response.onCompleted();
          }
        })
        .build()
        .start();
    pool = newPool();
  }

  private ChannelPool newPool() {
    return ChannelPool.create(PoolConfig.builder(serverName)
        .size(SIZE)
        .pickStrategy(PickStrategy.ROUND_ROBIN)
        .healthCheckInterval(Duration.ofMillis(200))
        .closeTimeout(Duration.ofSeconds(2))
        .channelBuilderFactory(InProcessChannelBuilder::forName)
        .build());
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    release.countDown();
    if (metrics != null) {
      metrics.close();
    }
    pool.close();
    assertThat(pool.isTerminated()).as("pool terminated").isTrue();
    server.shutdownNow();
    assertThat(server.awaitTermination(5, SECONDS)).as("server terminated").isTrue();
    serverExecutor.shutdownNow();
    assertThat(serverExecutor.awaitTermination(5, SECONDS)).as("server executor terminated").isTrue();
    for (MeterRegistry r : registries) {
      r.close();
    }
  }

  // ---------------------------------------------------------------- every meter

  @Test
  void boundRegistry_reportsEveryMeterFromRealCalls() {
    SimpleMeterRegistry registry = track(new SimpleMeterRegistry());
    metrics = new PoolMetrics(pool);
    metrics.bindTo(registry);

    for (int i = 0; i < 6; i++) {
      call("hello");
    }
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> call(FAIL)).isInstanceOf(StatusRuntimeException.class);
    }

    assertThat(gauge(registry, "grpc.pool.size", Tags.empty())).isEqualTo(SIZE);

    // Round robin over 3 channels: 8 calls land 3, 3, 2; every channel has connected.
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(gauge(registry, "grpc.pool.channels", Tags.of("state", "ready"))).isEqualTo(SIZE);
      assertThat(gauge(registry, "grpc.pool.healthy", Tags.empty())).isEqualTo(SIZE);
      assertThat(sumOverStates(registry)).isEqualTo(SIZE);
      assertThat(callsSum(registry, "ok")).isEqualTo(6);
      assertThat(callsSum(registry, "failed")).isEqualTo(2);
    });
    PoolStats stats = pool.stats();
    for (PoolStats.ChannelStats c : stats.channels()) {
      Tags channel = Tags.of("channel", Integer.toString(c.index()));
      assertThat(counter(registry, "grpc.pool.calls", channel.and("outcome", "ok"))).isEqualTo(c.callsOk());
      assertThat(counter(registry, "grpc.pool.calls", channel.and("outcome", "failed")))
          .isEqualTo(c.callsFailed());
      assertThat(c.callsOk() + c.callsFailed()).isBetween(2L, 3L);
      assertThat(gauge(registry, "grpc.pool.in.flight", channel)).isZero();
    }

    Timer pick = registry.get("grpc.pool.pick").timer();
    assertThat(pick.count()).isEqualTo(8);
    assertThat(pick.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(pick.takeSnapshot().percentileValues()).as("no percentiles on the pick timer").isEmpty();
    assertThat(pick.takeSnapshot().histogramCounts()).as("no histogram on the pick timer").isEmpty();

    assertThat(counter(registry, "grpc.pool.reconnects", Tags.empty())).isZero();
  }

  @Test
  void callInFlight_isReportedOnItsChannelUntilItCloses() {
    SimpleMeterRegistry registry = track(new SimpleMeterRegistry());
    metrics = new PoolMetrics(pool);
    metrics.bindTo(registry);

    SimpleServiceGrpc.newFutureStub(pool).unaryRpc(SimpleRequest.newBuilder().setRequestMessage(HOLD).build());

    await().atMost(WAIT).untilAsserted(() -> assertThat(inFlightSum(registry)).isEqualTo(1));
    // Exactly one slot carries it, and it is the one the pool itself says.
    int busy = -1;
    for (PoolStats.ChannelStats c : pool.stats().channels()) {
      if (c.inFlight() == 1) {
        busy = c.index();
      }
    }
    assertThat(busy).isNotNegative();
    int busySlot = busy;
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(gauge(registry, "grpc.pool.in.flight", Tags.of("channel", Integer.toString(busySlot))))
            .isEqualTo(1));

    release.countDown();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(inFlightSum(registry)).isZero();
      assertThat(callsSum(registry, "ok")).isEqualTo(1);
    });
  }

  @Test
  void replacedChannel_countsAReconnect() {
    SimpleMeterRegistry registry = track(new SimpleMeterRegistry());
    metrics = new PoolMetrics(pool);
    metrics.bindTo(registry);
    call("hello");

    // A channel shut down behind the pool's back can never recover: the pool replaces it.
    pool.current(0).channel.shutdownNow();

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(counter(registry, "grpc.pool.reconnects", Tags.empty())).isEqualTo(1));
    assertThat(pool.stats().reconnects()).isEqualTo(1);
    // The replacement serves calls and the pool is whole again.
    for (int i = 0; i < SIZE; i++) {
      call("hello");
    }
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(gauge(registry, "grpc.pool.channels", Tags.of("state", "ready"))).isEqualTo(SIZE));
  }

  // ---------------------------------------------------------------- Prometheus

  @Test
  void prometheusScrape_exposesTheArticlesNames() {
    PrometheusMeterRegistry registry = track(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    metrics = new PoolMetrics(pool, Tags.of("pool", "echo"));
    metrics.bindTo(registry);
    call("hello");
    assertThatThrownBy(() -> call(FAIL)).isInstanceOf(StatusRuntimeException.class);

    await().atMost(WAIT).untilAsserted(() -> {
      String text = registry.scrape();
      assertThat(text)
          .contains("grpc_pool_size{pool=\"echo\"} 3.0")
          .containsPattern("grpc_pool_channels\\{pool=\"echo\",state=\"ready\"} [1-3]\\.0")
          .contains("grpc_pool_channels{pool=\"echo\",state=\"transient_failure\"} 0.0")
          .containsPattern("grpc_pool_healthy\\{pool=\"echo\"} [1-3]\\.0")
          .contains("grpc_pool_pick_seconds_count{pool=\"echo\"} 2")
          .contains("grpc_pool_pick_seconds_sum{pool=\"echo\"}")
          .contains("grpc_pool_reconnects_total{pool=\"echo\"} 0.0")
          .containsPattern("grpc_pool_calls_total\\{channel=\"[0-2]\",outcome=\"ok\",pool=\"echo\"} 1\\.0")
          .containsPattern("grpc_pool_calls_total\\{channel=\"[0-2]\",outcome=\"failed\",pool=\"echo\"} 1\\.0")
          .contains("grpc_pool_in_flight{channel=\"2\",pool=\"echo\"} 0.0")
          .doesNotContain("grpc_pool_pick_seconds_bucket")
          .doesNotContain("quantile=");
    });
  }

  // ---------------------------------------------------------------- snapshot sharing, close

  @Test
  void oneScrape_takesOneSnapshotForAllMeters_untilItIsTooOld() {
    AtomicInteger snapshots = new AtomicInteger();
    AtomicLong clock = new AtomicLong();
    metrics = new PoolMetrics(pool, Tags.empty(), () -> {
      snapshots.incrementAndGet();
      return pool.stats();
    }, clock::get, Duration.ofMillis(500));
    PrometheusMeterRegistry registry = track(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    metrics.bindTo(registry);

    registry.scrape();
    registry.scrape();
    assertThat(snapshots).hasValue(1);

    clock.addAndGet(Duration.ofMillis(500).toNanos());
    registry.scrape();
    assertThat(snapshots).hasValue(2);
  }

  @Test
  void close_removesTheMetersAndStopsTimingPicks() {
    SimpleMeterRegistry registry = track(new SimpleMeterRegistry());
    metrics = new PoolMetrics(pool);
    metrics.bindTo(registry);
    call("hello");
    Timer pick = registry.get("grpc.pool.pick").timer();
    assertThat(pick.count()).isEqualTo(1);

    metrics.close();
    metrics.close();
    call("hello");

    assertThat(registry.getMeters()).isEmpty();
    assertThat(pick.count()).isEqualTo(1);
    assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void twoRegistries_bothTimeEveryPick() {
    SimpleMeterRegistry first = track(new SimpleMeterRegistry());
    SimpleMeterRegistry second = track(new SimpleMeterRegistry());
    metrics = new PoolMetrics(pool);
    metrics.bindTo(first);
    metrics.bindTo(second);

    call("hello");
    call("hello");

    assertThat(first.get("grpc.pool.pick").timer().count()).isEqualTo(2);
    assertThat(second.get("grpc.pool.pick").timer().count()).isEqualTo(2);
  }

  @Test
  void poolThatSizesItself_registersAGrownSlotsMeters_keepsThemWhenItShrinks_andCountsResizes() {
    pool.close();
    pool = ChannelPool.create(PoolConfig.builder(serverName).minSize(1).maxSize(3)
        .resizeInterval(Duration.ofDays(1)).channelBuilderFactory(InProcessChannelBuilder::forName).build());
    SimpleMeterRegistry registry = track(new SimpleMeterRegistry());
    metrics = new PoolMetrics(pool);
    metrics.bindTo(registry);
    assertThat(registry.get("grpc.pool.queued").functionCounters()).hasSize(1);

    pool.maintenance().resizer().grow(2, PoolStats.ResizeReason.CALLS_QUEUED);
    await().atMost(WAIT).until(() -> pool.pickableChannels() == 3);
    for (int i = 0; i < 3; i++) {
      call("hello");
    }
    pool.maintenance().resizer().shrink(2);

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(gauge(registry, "grpc.pool.size", Tags.empty())).isEqualTo(1);
      assertThat(gauge(registry, "grpc.pool.size.target", Tags.empty())).isEqualTo(1);
      assertThat(counter(registry, "grpc.pool.resizes", Tags.of("direction", "up", "reason", "calls_queued")))
          .isEqualTo(1);
      assertThat(counter(registry, "grpc.pool.resizes", Tags.of("direction", "down", "reason", "below_band")))
          .isEqualTo(1);
      // Slot 2's meters came with the growth and stay after the shrink, its count intact.
      assertThat(counter(registry, "grpc.pool.calls", Tags.of("channel", "2", "outcome", "ok"))).isEqualTo(1);
      assertThat(gauge(registry, "grpc.pool.in.flight", Tags.of("channel", "2"))).isZero();
      assertThat(callsSum(registry, "ok")).isEqualTo(3);
      assertThat(registry.get("grpc.pool.queued").functionCounters()).hasSize(3);
      assertThat(registry.get("grpc.pool.queued.calls").functionCounters()).hasSize(3);
    });
  }

  // ---------------------------------------------------------------- helpers

  private <R extends MeterRegistry> R track(R registry) {
    registries.add(registry);
    return registry;
  }

  private void call(String message) {
    SimpleServiceGrpc.newBlockingStub(pool)
        .withDeadlineAfter(WAIT)
        .unaryRpc(SimpleRequest.newBuilder().setRequestMessage(message).build());
  }

  private static double gauge(MeterRegistry registry, String name, Tags tags) {
    Gauge gauge = registry.get(name).tags(tags).gauge();
    return gauge.value();
  }

  private static double counter(MeterRegistry registry, String name, Tags tags) {
    FunctionCounter counter = registry.get(name).tags(tags).functionCounter();
    return counter.count();
  }

  private static double sumOverStates(MeterRegistry registry) {
    return registry.get("grpc.pool.channels").gauges().stream().mapToDouble(Gauge::value).sum();
  }

  private static double callsSum(MeterRegistry registry, String outcome) {
    return registry.get("grpc.pool.calls").tag("outcome", outcome).functionCounters().stream()
        .mapToDouble(FunctionCounter::count).sum();
  }

  private static double inFlightSum(MeterRegistry registry) {
    return registry.get("grpc.pool.in.flight").gauges().stream().mapToDouble(Gauge::value).sum();
  }
}
