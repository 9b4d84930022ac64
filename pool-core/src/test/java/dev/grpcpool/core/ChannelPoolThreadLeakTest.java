package dev.grpcpool.core;

import static dev.grpcpool.core.PoolTestSupport.inProcessConfig;
import static dev.grpcpool.core.PoolTestSupport.request;
import static dev.grpcpool.core.PoolTestSupport.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests that {@link ChannelPool#close()} leaves no thread behind. */
class ChannelPoolThreadLeakTest {

  private final PoolTestSupport support = new PoolTestSupport();

  @AfterEach
  void tearDown() throws Exception {
    support.close();
  }

  @Test
  void twoHundredCreateCloseCycles_leaveTheLiveThreadCountWhereItStarted() throws Exception {
    List<PoolTestBackend> backends = support.inProcessBackends(1);
    PoolConfig config = inProcessConfig(targets(backends)).size(2).build();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // One cycle first, so gRPC's lazily created shared threads exist in the baseline too.
    cycle(config);
    int baseline = threads.getThreadCount();

    for (int i = 0; i < 200; i++) {
      cycle(config);
    }

    // gRPC releases its shared timer a second after its last channel; poll on this thread so the
    // polling does not add a thread of its own.
    await().pollInSameThread().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> threads.getThreadCount() <= baseline);
    // A pool's own threads are named grpcpool-<pool id>-...; the call cleaner and the cached-dns lookup
    // thread are one per JVM, not per pool.
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.isAlive() && t.getName().matches("grpcpool-\\d+-.*"));
  }

  private static void cycle(PoolConfig config) {
    ChannelPool pool = ChannelPool.create(config);
    try {
      SimpleServiceGrpc.newBlockingStub(pool).unaryRpc(request(""));
    } finally {
      pool.close();
    }
    assertThat(pool.isTerminated()).isTrue();
  }
}
