package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests that simulated I/O work holds no thread and simulated CPU work really burns CPU. */
class WorkTest {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final TestResources resources = new TestResources();

  @AfterEach
  void closeAll() throws Exception {
    resources.close();
  }

  @Test
  void ioWork_of200ConcurrentCalls_overlapsInsteadOfHoldingThreads() throws Exception {
    BenchServer server = resources.server(BenchServer.netty(0).backendId("io-test").start());
    EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(resources.channelTo(server));
    EchoRequest request = EchoRequest.newBuilder().setIoMicros(20_000).build();
    stub.unary(request).get(30, TimeUnit.SECONDS);
    server.resetMaxActiveCalls();

    long start = System.nanoTime();
    List<ListenableFuture<EchoResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(stub.unary(request));
    }
    List<EchoResponse> answers = Futures.allAsList(calls).get(60, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(answers).hasSize(200);
    // The waits add up to 200 x 20 ms = 4 s; the run takes less only if they overlap. (On a busy machine the
    // calls' own overhead takes most of the time, so this bound is kept at the sum, not a fraction of it.)
    assertThat(took).isLessThan(Duration.ofMillis(200 * 20));
    // The direct evidence: waits that held a thread could not overlap beyond the executor's size (one
    // thread per core), yet many more calls were in their wait at once.
    assertThat(server.maxActiveCalls()).as("calls waiting at once (took %s)", took)
        .isGreaterThan(2 * Runtime.getRuntime().availableProcessors());
  }

  @Test
  void cpuWork_spendsThreadCpuTimeOnTheServer_whileIoWorkDoesNot() throws Exception {
    assumeCpuTimeSupported();
    BenchServer server = resources.server(BenchServer.inProcess("cpu-test").backendId("cpu-test").start());
    EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(resources.channelTo(server));
    stub.unary(EchoRequest.newBuilder().setCpuMicros(1_000).build()).get(30, TimeUnit.SECONDS);
    stub.unary(EchoRequest.newBuilder().setIoMicros(1_000).build()).get(30, TimeUnit.SECONDS);

    long[] cpuCall = serverAndReferenceCpu(stub, EchoRequest.newBuilder().setCpuMicros(300_000).build());
    long[] ioCall = serverAndReferenceCpu(stub, EchoRequest.newBuilder().setIoMicros(300_000).build());

    // A spin is timed by the wall clock, so on a busy machine it gets only its share of a core. The test
    // thread spins alongside for the same window and gets the same share: compare the two, not absolutes.
    assertThat(cpuCall[0]).as("server CPU for 300 ms of cpu work, vs. a reference spin %s ns", cpuCall[1])
        .isGreaterThanOrEqualTo(cpuCall[1] / 2);
    assertThat(ioCall[0]).as("server CPU for 300 ms of io work, vs. a reference spin %s ns", ioCall[1])
        .isLessThan(ioCall[1] / 10);
  }

  /**
   * Makes the call while the test thread busy-spins until the answer arrives; returns the CPU nanoseconds
   * the server's threads spent and those the spinning test thread got in the same window.
   */
  private static long[] serverAndReferenceCpu(EchoGrpc.EchoFutureStub stub, EchoRequest request)
      throws Exception {
    String serverThreads = "grpcpool-server-cpu-test-";
    long serverBefore = cpuNanosOfThreadsNamed(serverThreads);
    long referenceBefore = THREADS.getCurrentThreadCpuTime();
    ListenableFuture<EchoResponse> call = stub.unary(request);
    while (!call.isDone()) {
      Thread.onSpinWait();
    }
    long reference = THREADS.getCurrentThreadCpuTime() - referenceBefore;
    call.get();
    return new long[] {cpuNanosOfThreadsNamed(serverThreads) - serverBefore, reference};
  }

  @Test
  void slowDown_addsWaitToEveryCallUntilCleared() {
    BenchServer server = resources.server(BenchServer.inProcess("slow-test").start());
    EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(resources.channelTo(server));

    server.slowDown(Duration.ofMillis(300));
    long start = System.nanoTime();
    stub.unary(EchoRequest.getDefaultInstance());
    Duration slowed = Duration.ofNanos(System.nanoTime() - start);
    server.slowDown(Duration.ZERO);

    assertThat(slowed).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(server.callsServed()).isEqualTo(1);
  }

  private static void assumeCpuTimeSupported() {
    assertThat(THREADS.isThreadCpuTimeSupported()).as("thread CPU time is measurable on this JVM").isTrue();
    THREADS.setThreadCpuTimeEnabled(true);
  }

  private static long cpuNanosOfThreadsNamed(String prefix) {
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix)) {
        long cpu = THREADS.getThreadCpuTime(t.getId());
        sum += Math.max(0, cpu);
      }
    }
    return sum;
  }
}
