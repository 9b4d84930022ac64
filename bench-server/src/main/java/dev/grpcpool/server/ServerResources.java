package dev.grpcpool.server;

import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads one {@link BenchServer} owns: its call executor, its Netty event loops and the timer that
 * completes I/O waits. They outlive {@code stop()}/{@code restart()} and are released by {@link #close()}.
 *
 * <p>Thread names start with {@code grpcpool-server-<backend>-} so their CPU time can be attributed.
 *
 * <p>Not thread-safe: {@link BenchServer} creates and closes it under its own lock.
 */
final class ServerResources {

  private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

  private final ServerExecutor kind;
  private final ExecutorService callExecutor;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ScheduledThreadPoolExecutor timer;

  ServerResources(ServerExecutor kind, String threadPrefix, boolean netty) {
    this.kind = kind;
    int cores = Runtime.getRuntime().availableProcessors();
    this.callExecutor = kind == ServerExecutor.WORK_STEALING ? workStealingPool(cores, threadPrefix) : null;
    // GRPC_DEFAULT deliberately leaves the event loops to gRPC's shared ones, as a default server does.
    boolean ownLoops = netty && kind != ServerExecutor.GRPC_DEFAULT;
    this.boss = ownLoops
        ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadPrefix + "boss", true),
            NioIoHandler.newFactory())
        : null;
    this.workers = ownLoops
        ? new MultiThreadIoEventLoopGroup(cores, new DefaultThreadFactory(threadPrefix + "io", true),
            NioIoHandler.newFactory())
        : null;
    this.timer = new ScheduledThreadPoolExecutor(1, daemonFactory(threadPrefix + "timer"));
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Where work that waited for a backend worker runs: the call executor, or the JVM's common pool when gRPC
   * supplies the executor (GRPC_DEFAULT) or calls run on the transport's threads (DIRECT).
   */
  Executor queuedWorkExecutor() {
    return callExecutor != null ? callExecutor : ForkJoinPool.commonPool();
  }

  /** The timer that completes I/O waits; it never runs call work, only sends answers. */
  ScheduledThreadPoolExecutor timer() {
    return timer;
  }

  void applyTo(NettyServerBuilder builder) {
    if (boss != null) {
      builder.bossEventLoopGroup(boss).workerEventLoopGroup(workers)
          .channelType(NioServerSocketChannel.class);
    }
    applyExecutor(builder);
  }

  void applyTo(InProcessServerBuilder builder) {
    applyExecutor(builder);
  }

  private void applyExecutor(io.grpc.ServerBuilder<?> builder) {
    switch (kind) {
      case WORK_STEALING:
        builder.executor(callExecutor);
        break;
      case DIRECT:
        builder.directExecutor();
        break;
      default:
        break;
    }
  }

  /** Stops every thread this server owns and waits until they have ended. */
  void close() {
    timer.shutdownNow();
    if (callExecutor != null) {
      callExecutor.shutdownNow();
    }
    // The server has terminated already: no quiet period is needed before the loops stop.
    if (boss != null) {
      boss.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    boolean interrupted = false;
    try {
      awaitQuietly(timer);
      if (callExecutor != null) {
        awaitQuietly(callExecutor);
      }
      if (boss != null) {
        boss.terminationFuture().await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        workers.terminationFuture().await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQuietly(ExecutorService executor) throws InterruptedException {
    executor.awaitTermination(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Async mode (FIFO for submitted tasks) as in grpc-java's benchmark server: calls are events, not forks. */
  private static ForkJoinPool workStealingPool(int parallelism, String threadPrefix) {
    AtomicInteger count = new AtomicInteger();
    ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
      ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      t.setDaemon(true);
      t.setName(threadPrefix + "work-" + count.getAndIncrement());
      return t;
    };
    return new ForkJoinPool(parallelism, factory, null, true);
  }

  private static ThreadFactory daemonFactory(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }
}
