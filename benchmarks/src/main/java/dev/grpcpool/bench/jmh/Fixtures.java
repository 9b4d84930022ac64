package dev.grpcpool.bench.jmh;

import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shared set-up and tear-down steps of the suites: warm-up calls, and closing that fails loudly when a pool,
 * channel or executor does not terminate (a leaked thread would skew every trial after it).
 *
 * <p>Stateless and thread-safe.
 */
public final class Fixtures {

  /** How long tear-down waits for pools, channels and executors to terminate. */
  public static final Duration TERMINATION = Duration.ofSeconds(10);
  /** Deadline of warm-up calls in set-up. */
  public static final Duration WARM_UP_DEADLINE = Duration.ofSeconds(10);

  private Fixtures() {}

  /** A small echo request; the server's default work profile applies. */
  public static EchoRequest request() {
    return EchoRequest.newBuilder().setPayload(com.google.protobuf.ByteString.copyFrom(new byte[64])).build();
  }

  /** One blocking call on {@code channel}, so its connection is up before measuring. */
  public static void warmUp(Channel channel) {
    EchoGrpc.newBlockingStub(channel)
        .withDeadlineAfter(WARM_UP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .unary(request());
  }

  /** One warm-up call on each of the pool's channels ({@link ChannelPool#get()} goes round robin). */
  public static void warmUpEachChannel(ChannelPool pool) {
    for (int i = 0; i < pool.size(); i++) {
      warmUp(pool.get());
    }
  }

  /**
   * Closes the pool.
   *
   * @throws IllegalStateException if it has not terminated within {@link #TERMINATION}
   */
  public static void close(ChannelPool pool) throws InterruptedException {
    if (pool == null) {
      return;
    }
    pool.close();
    if (!pool.awaitTermination(TERMINATION.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("pool did not terminate within " + TERMINATION + ": " + pool.stats());
    }
  }

  /**
   * Closes the pool, then what it calls (a server or a fleet, by {@code closeBackend}), which is closed even when
   * the pool fails to terminate.
   *
   * @throws IllegalStateException if the pool has not terminated within {@link #TERMINATION}
   */
  public static void close(ChannelPool pool, Runnable closeBackend) throws InterruptedException {
    try {
      close(pool);
    } finally {
      closeBackend.run();
    }
  }

  /**
   * Shuts the channel down.
   *
   * @throws IllegalStateException if it has not terminated within {@link #TERMINATION}
   */
  public static void close(ManagedChannel channel) throws InterruptedException {
    if (channel == null) {
      return;
    }
    channel.shutdownNow();
    if (!channel.awaitTermination(TERMINATION.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("channel " + channel + " did not terminate within " + TERMINATION);
    }
  }

  /**
   * Shuts the executor down.
   *
   * @throws IllegalStateException if it has not terminated within {@link #TERMINATION}
   */
  public static void close(ExecutorService executor) throws InterruptedException {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
    if (!executor.awaitTermination(TERMINATION.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("executor " + executor + " did not terminate within " + TERMINATION);
    }
  }

  /** A unique in-process server name per trial, so trials in one JVM (-f 0) never meet. */
  public static String inProcessName(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  }
}
