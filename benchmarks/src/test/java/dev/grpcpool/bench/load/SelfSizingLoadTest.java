package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolStats;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pool that sizes itself ({@link SelfSizing}) under the load generator, against one Netty backend capped at 20
 * calls per connection, 200 closed-loop callers of 10 ms calls: it grows to carry them with no call failing, and
 * once the load has stopped it shrinks back to its least size. The command line closes its pool with the run, so
 * the shrink after the load is watched here, through the generator's API and a pool the test keeps open.
 */
class SelfSizingLoadTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private LoadTarget target;
  private LoadTarget.Connection connection;

  @AfterEach
  void tearDown() {
    if (connection != null) {
      connection.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @Test
  void cappedServer_200Callers_poolGrowsWithoutFailures_thenShrinksToMinSizeAfterTheLoad() throws Exception {
    target = LoadTarget.embedded(LoadTarget.Transport.NETTY, 1, 20);
    SelfSizing sizing = SelfSizing.between(1, 16).withResizeInterval(INTERVAL).withMaxResizeStep(16);
    connection = target.connect(Channels.pool(PickStrategy.ROUND_ROBIN), 1, sizing, null, Duration.ofSeconds(1));
    ChannelPool pool = connection.pool();
    LoadSpec spec = LoadSpec.closedLoop(200).warmup(Duration.ZERO).duration(Duration.ofSeconds(10))
        .ioMicros(10_000).build();

    LoadGenerator g = LoadGenerator.start(pool, spec);
    // 200 calls need 10 connections of 20 streams; calls per channel alone (band 10..50) would stop at 4.
    await().atMost(spec.duration()).until(() -> pool.size() >= 10);
    LoadResult r = g.await();
    long loadEnded = System.nanoTime();
    int sizeAtEnd = pool.size();

    await().atMost(Duration.ofSeconds(30)).until(() -> pool.size() == 1);
    Duration shrinkTime = Duration.ofNanos(System.nanoTime() - loadEnded);
    PoolStats stats = pool.stats();
    assertThat(sizeAtEnd).as("size when the load ended").isGreaterThanOrEqualTo(10);
    assertThat(stats.sizing().grownForQueuing()).as("%s", stats).isPositive();
    // Three decisions at most (the first may still average in some of the load); two more intervals are slack
    // for a busy machine.
    assertThat(shrinkTime).as("back to minSize within 3 intervals").isLessThan(INTERVAL.multipliedBy(5));
    assertThat(r.failed()).as("failed calls: %s", r.failedByStatus()).isZero();
    assertThat(r.ok()).isPositive();
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.stats().draining() == 0);
    assertThat(pool.stats().callsFailed()).isZero();
  }
}
