package dev.grpcpool.bench.jmh;

import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.Channel;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The fixture that every call-making suite shares, as a base class (JMH states and their {@code @Setup} /
 * {@code @TearDown} methods are inherited, see {@code JMHSample_24_Inheritance}): unary echo calls sent in a
 * {@link ClosedLoop} on one channel, each call's latency recorded by a {@link LatencyTrial}, with JMH's
 * iteration and trial lifecycle wired once.
 *
 * <p>A suite extends this class and, in its own {@code @Setup(Level.Trial)}, starts its server and channels
 * and then calls {@link #startCalls}; its {@code @Benchmark} method calls {@link #send}; it releases what it
 * made in {@link #closeFixtures}, which runs at the end of the trial after the latency files are written,
 * even when writing them failed.
 *
 * <p>JMH calls the lifecycle methods from one thread at a time; {@link #send} may be called from every
 * benchmark thread at once.
 */
@State(Scope.Benchmark)
public abstract class ClosedLoopSuite {

  /**
   * Warm-up iterations of {@link #WARMUP_SECONDS_PER_ITERATION} s that the Netty closed-loop suites with short
   * iterations (PoolSize, SingleVsPooled, Strategy, AdaptivePool) run per trial: 40 s. (L4 and ChannelPerCall keep
   * their own 25 s and 15 s of 5 s iterations, not yet checked against this.) On 2 cores, where the JIT
   * compilers share the cores with client and server, a closed loop over Netty ({@code AdaptivePoolBenchmark}'s
   * 16 channels, 200 calls in flight) rose from 800 to 13,700 calls/s over its first 40 s and levelled off only
   * then; after the 4 to 6 s these suites warmed up for before, every score was still rising through the
   * measurement, so they compared warm-up states rather than pools.
   */
  public static final int WARMUP_ITERATIONS = 20;
  /** The length of one warm-up iteration, in seconds. */
  public static final int WARMUP_SECONDS_PER_ITERATION = 2;

  private final EchoRequest request = Fixtures.request();
  private EchoGrpc.EchoStub stub;
  private LatencyTrial trial;
  private ClosedLoop loop;
  /** What {@link #countIteration} counted for the iteration that ended last; null while one runs. */
  private Object iterationCounts;

  /**
   * Starts recording and sending; call it last in the suite's trial set-up, once {@code channel} is warm.
   *
   * @param howMeasured what one recorded value is, for the latency log's header
   * @param detail what the parameters came to, e.g. {@code "6 channels"}
   * @param inFlight most calls outstanding at once
   * @param deadline each call's deadline
   * @param onResponse sees every successful response on a gRPC thread, or {@code null}
   */
  protected final void startCalls(BenchmarkParams params, Channel channel, String howMeasured, String detail,
      int inFlight, Duration deadline, Consumer<EchoResponse> onResponse) {
    stub = EchoGrpc.newStub(channel);
    trial = LatencyTrial.start(params, howMeasured, detail);
    loop = new ClosedLoop(inFlight, trial.recorder(), deadline, onResponse);
  }

  /** Sends one call, waiting first while {@code inFlight} calls are outstanding (closed loop). */
  protected final void send() throws InterruptedException {
    loop.send(stub, request);
  }

  /** The loop of this trial, for suites that count what its calls achieved. */
  protected final ClosedLoop loop() {
    return loop;
  }

  @Setup(Level.Iteration)
  public void startIteration() {
    synchronized (this) {
      iterationCounts = null;
    }
    beforeIteration();
    trial.iterationStarting();
  }

  @TearDown(Level.Iteration)
  public void endIteration(IterationParams iteration) throws InterruptedException {
    awaitIterationCalls();
    trial.iterationFinished(iteration);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    try {
      if (trial != null) {
        trial.finish();
      }
    } finally {
      closeFixtures();
    }
  }

  /** Runs before each iteration starts recording; nothing by default. */
  protected void beforeIteration() {}

  /** Waits until the iteration's calls have completed; a suite that counts them may take its counts here. */
  protected void awaitIterationCalls() throws InterruptedException {
    loop.drain();
  }

  /**
   * What the iteration's calls achieved, counted once: the first caller after the iteration has ended waits for
   * its calls ({@link ClosedLoop#drain}) and runs {@code count}; later callers in the same iteration get that
   * result. A suite with an {@code @AuxCounters} state calls this from its {@link #awaitIterationCalls} and from
   * that state's iteration tear-down, since JMH runs the two tear-downs in either order.
   */
  @SuppressWarnings("unchecked") // only count's own result is ever stored and returned
  protected final synchronized <T> T countIteration(Supplier<T> count) throws InterruptedException {
    if (iterationCounts == null) {
      loop.drain();
      iterationCounts = count.get();
    }
    return (T) iterationCounts;
  }

  /**
   * Closes the suite's channels and servers at the end of the trial, failing when one does not terminate
   * (see {@link Fixtures}).
   */
  protected abstract void closeFixtures() throws InterruptedException;
}
