package dev.grpcpool.bench.jmh;

import dev.grpcpool.bench.latency.LatencyRecorder;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Drives asynchronous unary echo calls in a closed loop with at most {@code inFlight} calls outstanding: a
 * benchmark thread that calls {@link #send} waits for a free slot, sends, and returns; the response frees the
 * slot. The JMH score is therefore calls started per unit of time, which in the steady state equals calls
 * completed; latencies run from the send to the response.
 *
 * <p>Closed loop: when the server slows down, fewer calls are sent, so the recorded latencies understate what
 * a client sending at a fixed rate would see (coordinated omission). The load generator measures that case.
 *
 * <p>Every call has a deadline, so a lost call fails and frees its slot instead of stalling the benchmark.
 * This class is thread-safe.
 */
public final class ClosedLoop {

  /** How long {@link #drain} waits beyond the call deadline. */
  public static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

  private final Semaphore slots;
  private final int inFlight;
  private final LatencyRecorder recorder;
  private final Duration deadline;
  private final Consumer<EchoResponse> onResponse;
  private final LongAdder ok = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /**
   * @param inFlight most calls outstanding at once
   * @param deadline each call's deadline
   * @param onResponse sees every successful response (e.g. to count backends), on a gRPC thread
   */
  public ClosedLoop(int inFlight, LatencyRecorder recorder, Duration deadline, Consumer<EchoResponse> onResponse) {
    if (inFlight < 1) {
      throw new IllegalArgumentException("inFlight must be at least 1, was " + inFlight);
    }
    this.inFlight = inFlight;
    this.slots = new Semaphore(inFlight);
    this.recorder = recorder;
    this.deadline = deadline;
    this.onResponse = onResponse;
  }

  /** Waits for a free slot, then sends one call on {@code stub}; returns without waiting for the answer. */
  public void send(EchoGrpc.EchoStub stub, EchoRequest request) throws InterruptedException {
    slots.acquire();
    long start = System.nanoTime();
    try {
      stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).unary(request, new Observer(start));
    } catch (RuntimeException e) {
      // A call the channel refuses to start still counts, and must give its slot back.
      failed.increment();
      recorder.recordFailure();
      slots.release();
      throw e;
    }
  }

  /**
   * Waits until every outstanding call has completed. Every call ends by its deadline, so waiting the deadline
   * plus {@link #DRAIN_GRACE} for callbacks to run is enough.
   *
   * @throws IllegalStateException if calls are still outstanding after that
   */
  public void drain() throws InterruptedException {
    Duration timeout = deadline.plus(DRAIN_GRACE);
    if (!slots.tryAcquire(inFlight, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException((inFlight - slots.availablePermits())
          + " calls still outstanding after " + timeout.toMillis() + " ms");
    }
    slots.release(inFlight);
  }

  /** The calls that completed since the previous call of this method. */
  public Counts takeCounts() {
    return new Counts(ok.sumThenReset(), failed.sumThenReset());
  }

  /**
   * Calls that completed in some span of time.
   *
   * @param ok calls that succeeded
   * @param failed calls that failed, or that the channel refused to start
   */
  public record Counts(long ok, long failed) {}

  private final class Observer implements StreamObserver<EchoResponse> {
    private final long start;
    private EchoResponse response;

    Observer(long start) {
      this.start = start;
    }

    @Override
    public void onNext(EchoResponse value) {
      response = value;
    }

    @Override
    public void onError(Throwable t) {
      failed.increment();
      recorder.recordFailure();
      slots.release();
    }

    @Override
    public void onCompleted() {
      recorder.recordSince(start);
      ok.increment();
      if (onResponse != null && response != null) {
        onResponse.accept(response);
      }
      slots.release();
    }
  }
}
