package dev.grpcpool.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.ServerExecutor;
import dev.grpcpool.server.WorkProfile;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's lifecycle: repeated create / use / close leaves no thread, file descriptor or direct memory behind,
 * and {@code close()} lets calls already running finish while new calls fail at once.
 */
class PoolLifecycleTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);
  /**
   * Threads that may come and go between two readings without any pool being open: JIT compiler threads
   * (started and stopped on demand by the JVM) and the odd JDK housekeeping thread. A leaking pool leaves one
   * maintenance thread per cycle, hundreds in all, far above this.
   */
  private static final int THREAD_TOLERANCE = 3;
  /**
   * Descriptors that may come and go without a pool: a jar opened by late class loading, the JVM's perf
   * data. A leak of one socket or selector per cycle is hundreds.
   */
  private static final int FD_TOLERANCE = 8;
  /**
   * Netty keeps pooled direct memory in per-thread arenas after first use; a cycle running on another event
   * loop thread than the warm-up's may take a first chunk (4 MiB) for that thread's arena, on the client's and
   * on the server's side. Leaking the buffers of every call (two 64 KiB calls each way per cycle) would add
   * about 50 MiB over 200 cycles, far above it.
   */
  private static final long DIRECT_TOLERANCE_BYTES = 8L << 20;

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  /** Promise: 1,000 pools created, used and closed leave no thread or descriptor behind (in-process). */
  @Test
  void thousandCreateUseCloseCycles_inProcess_leaveNoThreadOrDescriptorBehind() throws Exception {
    BenchServer server = cleanup.add(BenchServer.inProcess("reliability-cycles")
        .executor(ServerExecutor.DIRECT).start());
    PoolConfig config = PoolConfig.builder(server.target()).size(2)
        .channelBuilderFactory(t -> InProcessChannelBuilder.forName(t).directExecutor()).build();
    cycles(config, 20);
    List<String> threadsBefore = ProcessResources.threads();
    int fdsBefore = ProcessResources.openFileDescriptors();

    cycles(config, 1_000);

    awaitBackToBaseline(1_000, threadsBefore, fdsBefore, -1);
  }

  /**
   * Promise: 200 pools of Netty channels created, used (64 KiB each way) and closed leave no thread, socket or
   * direct memory behind.
   */
  @Test
  void twoHundredCreateUseCloseCycles_netty_leaveNoThreadSocketOrDirectMemoryBehind() throws Exception {
    BenchServer server = cleanup.add(BenchServer.netty(0).start());
    PoolConfig config = PoolConfig.builder(server.target()).size(2).build();
    cycles(config, 20);
    List<String> threadsBefore = ProcessResources.threads();
    int fdsBefore = ProcessResources.openFileDescriptors();
    long directBefore = ProcessResources.directMemory();

    cycles(config, 200);

    awaitBackToBaseline(200, threadsBefore, fdsBefore, directBefore);
  }

  private static void cycles(PoolConfig config, int n) {
    EchoRequest request = EchoRequest.newBuilder()
        .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[64 << 10])).build();
    for (int i = 0; i < n; i++) {
      try (ChannelPool pool = ChannelPool.create(config)) {
        // Two calls so both channels of the round-robin pool connect and carry a call.
        EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(pool).withDeadlineAfter(30, TimeUnit.SECONDS);
        assertThat(stub.unary(request).getPayload().size()).isEqualTo(64 << 10);
        stub.unary(request);
      }
    }
  }

  private static void awaitBackToBaseline(int cycles, List<String> threadsBefore, int fdsBefore,
      long directBefore) {
    await("threads back to baseline").atMost(SETTLE).untilAsserted(() ->
        assertThat(ProcessResources.threads().size()).as("threads now %s, before %s", ProcessResources.threads(),
            threadsBefore).isLessThanOrEqualTo(threadsBefore.size() + THREAD_TOLERANCE));
    assertThat(ProcessResources.threads()).as("pool maintenance threads")
        .noneMatch(n -> n.startsWith("grpcpool-") && n.endsWith("-maintenance"));
    if (fdsBefore >= 0) {
      await("file descriptors back to baseline").atMost(SETTLE).untilAsserted(() ->
          assertThat(ProcessResources.openFileDescriptors()).isLessThanOrEqualTo(fdsBefore + FD_TOLERANCE));
    }
    if (directBefore >= 0) {
      await("direct memory back to baseline").atMost(SETTLE).untilAsserted(() ->
          assertThat(ProcessResources.directMemory()).isLessThanOrEqualTo(directBefore + DIRECT_TOLERANCE_BYTES));
    }
    System.out.printf("LEAK-CHECK | %d cycles | threads %d -> %d | fds %d -> %d | direct %s%n",
        cycles, threadsBefore.size(), ProcessResources.threads().size(), fdsBefore,
        ProcessResources.openFileDescriptors(), directBefore < 0 ? "not checked"
            : (directBefore >> 10) + " KiB -> " + (ProcessResources.directMemory() >> 10) + " KiB");
  }

  /**
   * Promise: {@code close()} while calls are in flight lets them finish (they are within the drain deadline);
   * calls made once the pool is shut down fail at once with UNAVAILABLE, while the earlier calls are still
   * running; close returns after the last call and leaves the pool terminated.
   */
  @Test
  void closeWhileCallsInFlight_startedCallsFinish_newCallsFailFast() throws Exception {
    int running = 20;
    BenchServer server = cleanup.add(BenchServer.netty(0).work(WorkProfile.io(5_000_000)).start());
    ChannelPool pool = cleanup.add(ChannelPool.create(PoolConfig.builder(server.target()).size(2)
        .closeTimeout(Duration.ofSeconds(30)).build()));
    EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(pool).withDeadlineAfter(60, TimeUnit.SECONDS);
    List<ListenableFuture<EchoResponse>> started = new ArrayList<>();
    for (int i = 0; i < running; i++) {
      started.add(stub.unary(EchoRequest.getDefaultInstance()));
    }
    await().atMost(SETTLE).until(() -> server.activeCalls() == running);
    ExecutorService closer = cleanup.executor(Executors.newSingleThreadExecutor());

    CompletableFuture<Void> closed = CompletableFuture.runAsync(pool::close, closer);
    await().atMost(SETTLE).until(pool::isShutdown);

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> EchoGrpc.newBlockingStub(pool).withDeadlineAfter(60, TimeUnit.SECONDS)
          .unary(EchoRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
    assertThat(server.activeCalls()).as("earlier calls still running when the new ones had failed")
        .isEqualTo(running);
    assertThat(closed).as("close waits for the calls in flight").isNotDone();

    List<EchoResponse> answers = Futures.allAsList(started).get(60, TimeUnit.SECONDS);
    closed.get(60, TimeUnit.SECONDS);

    assertThat(answers).hasSize(running).allSatisfy(a -> assertThat(a.getBackendId()).isNotEmpty());
    assertThat(pool.isTerminated()).isTrue();
  }

  /**
   * Promise: the drain deadline bounds close: calls still running when {@code closeTimeout} ends are cancelled,
   * and close returns long before they would have finished, leaving the pool terminated.
   */
  @Test
  void closeWithCallsLongerThanDrainDeadline_cancelsThemAndReturns() throws Exception {
    BenchServer server = cleanup.add(BenchServer.netty(0).work(WorkProfile.io(50_000_000)).start());
    ChannelPool pool = cleanup.add(ChannelPool.create(PoolConfig.builder(server.target()).size(2)
        .closeTimeout(Duration.ofMillis(300)).build()));
    EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(pool).withDeadlineAfter(120, TimeUnit.SECONDS);
    List<ListenableFuture<EchoResponse>> started = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      started.add(stub.unary(EchoRequest.getDefaultInstance()));
    }
    await().atMost(SETTLE).until(() -> server.activeCalls() == 10);

    long start = System.nanoTime();
    pool.close();
    long took = System.nanoTime() - start;

    assertThat(Duration.ofNanos(took)).as("close bounded by its drain deadline, not by the 50 s calls")
        .isLessThan(Duration.ofSeconds(20));
    assertThat(pool.isTerminated()).isTrue();
    for (ListenableFuture<EchoResponse> f : started) {
      assertThat(f.isDone()).isTrue();
      assertThatThrownBy(f::get).hasCauseInstanceOf(StatusRuntimeException.class);
    }
  }
}
