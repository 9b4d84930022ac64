package dev.grpcpool.bench.load;

import com.google.protobuf.ByteString;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives unary echo calls through a channel (a pool or a single channel) as a {@link LoadSpec} says and records
 * every one of them.
 *
 * <p><b>Open loop.</b> One scheduler thread walks the intended send times of the {@link Arrivals} schedule. It
 * sleeps until the next one, or, when it is behind, sends at once; it never skips a call to catch up. Each call's
 * latency is taken twice: from its <em>intended</em> time (the corrected view: a stall of the server, or of the
 * generator, delays every call scheduled behind it, as it would delay real users) and from its actual send (the
 * service time that a closed-loop tool would report). With a cap on calls in flight, the scheduler waits for a
 * free slot; the wait counts in the corrected latency and a send later than the late threshold is counted.
 *
 * <p><b>Closed loop.</b> {@code concurrency} callers each start their next call from the previous call's
 * completion callback; there is no schedule, so both views are the service time.
 *
 * <p>Calls are asynchronous ({@link ClientCall}); no thread waits for a call. One ticker thread closes an interval
 * every second of the measurement. {@link #stop} ends the run early; the result then holds what was measured so
 * far.
 *
 * <p>This class is thread-safe.
 */
public final class LoadGenerator {

  /** Told about the run as it goes; called on the generator's ticker thread, so it must not block for long. */
  public interface Listener {
    /** The warm-up is over (or there was none): seconds of the timeline count from {@code nanoTime}. */
    default void measuring(long nanoTime) {}

    /** One interval (a second) of the measurement has closed. */
    default void interval(IntervalSample sample, LoadGenerator generator) {}
  }

  private static final Logger logger = Logger.getLogger(LoadGenerator.class.getName());
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  /** How long a stopped run waits for calls still in flight before it reports without them. */
  private static final long STOP_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** How long a run without call deadlines waits for calls still in flight at its end. */
  private static final long NO_DEADLINE_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Channel channel;
  private final LoadSpec spec;
  private final Listener listener;
  private final LoadRecorder recorder = new LoadRecorder();
  private final MethodDescriptor<EchoRequest, EchoResponse> method = EchoGrpc.getUnaryMethod();
  private final EchoRequest request;
  private final long deadlineNanos;
  private final Semaphore permits;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<LoadResult> result = new CompletableFuture<>();
  private final ScheduledExecutorService ticker;
  private final Thread driver;
  private final ThreadLocal<int[]> trampoline = ThreadLocal.withInitial(() -> new int[2]);

  private volatile boolean issuing = true;
  private volatile boolean stopRequested;
  private final AtomicBoolean measuring = new AtomicBoolean();
  private volatile long plannedMeasureStart;
  private volatile long runStart;
  private volatile long runEnd;
  private volatile long measureStart;

  private LoadGenerator(Channel channel, LoadSpec spec, Listener listener) {
    this.channel = channel;
    this.spec = spec;
    this.listener = listener;
    this.request = EchoRequest.newBuilder()
        .setPayload(ByteString.copyFrom(new byte[spec.payloadBytes()]))
        .setResponseSize(spec.responseSize())
        .setCpuMicros(spec.cpuMicros())
        .setIoMicros(spec.ioMicros())
        .build();
    this.deadlineNanos = spec.deadline().toNanos();
    this.permits = spec.mode() == LoadSpec.Mode.OPEN_LOOP && spec.concurrency() > 0
        ? new Semaphore(spec.concurrency()) : null;
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "grpcpool-load-ticker"));
    t.setRemoveOnCancelPolicy(true);
    this.ticker = t;
    this.driver = daemon(this::drive, "grpcpool-load-driver");
  }

  /** Starts a run through {@code channel}; returns at once. */
  public static LoadGenerator start(Channel channel, LoadSpec spec) {
    return start(channel, spec, new Listener() {});
  }

  /** Starts a run through {@code channel}, telling {@code listener} about each second; returns at once. */
  public static LoadGenerator start(Channel channel, LoadSpec spec, Listener listener) {
    LoadGenerator g = new LoadGenerator(channel, spec, listener);
    g.driver.start();
    return g;
  }

  /** Runs to the end and returns the result. */
  public static LoadResult run(Channel channel, LoadSpec spec) throws InterruptedException {
    return start(channel, spec).await();
  }

  /**
   * Ends the run early: no new call starts, calls in flight get a short time to finish, and the result holds
   * what was measured so far, marked {@linkplain LoadResult#interrupted() interrupted}. Idempotent.
   */
  public void stop() {
    stopRequested = true;
    LockSupport.unpark(driver);
  }

  /** Waits for the run to end. */
  public LoadResult await() throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("load run failed", e.getCause());
    }
  }

  /** Waits at most {@code timeout} for the run to end. */
  public LoadResult await(Duration timeout) throws InterruptedException, TimeoutException {
    try {
      return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("load run failed", e.getCause());
    }
  }

  /** The run's result as a future, completed when the run ends. */
  public CompletableFuture<LoadResult> result() {
    return result;
  }

  public LoadSpec spec() {
    return spec;
  }

  /** Calls started and not yet ended. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Measurement totals so far: sent, ok, errors, late. */
  public long[] counters() {
    return recorder.counters();
  }

  /** A percentile of the corrected latency of the seconds closed so far, in milliseconds. */
  public double correctedMillisSoFar(double percentile) {
    return LoadRecorder.millis(recorder.correctedTotal(), percentile);
  }

  /** Seconds since the measurement started, 0 during the warm-up. */
  public double elapsedSeconds() {
    return measuring.get() ? (System.nanoTime() - measureStart) / 1e9 : 0;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private void drive() {
    try {
      runStart = System.nanoTime();
      measureStart = runStart + spec.warmup().toNanos();
      runEnd = measureStart + spec.duration().toNanos();
      plannedMeasureStart = measureStart;
      if (spec.warmup().isZero()) {
        beginMeasuring(plannedMeasureStart);
      } else {
        // The first measured call begins the measurement too, whichever comes first.
        ticker.schedule(() -> beginMeasuring(plannedMeasureStart), plannedMeasureStart - System.nanoTime(),
            TimeUnit.NANOSECONDS);
      }
      scheduleTick(1);
      long[] schedule = spec.mode() == LoadSpec.Mode.OPEN_LOOP ? openLoop() : closedLoop();
      long issueEnd = Math.min(System.nanoTime(), runEnd);
      issuing = false;
      long unfinished = drain();
      ticker.shutdownNow();
      ticker.awaitTermination(10, TimeUnit.SECONDS);
      result.complete(finish(schedule, issueEnd, unfinished));
    } catch (Throwable t) {
      issuing = false;
      ticker.shutdownNow();
      result.completeExceptionally(t);
    }
  }

  /**
   * Swaps in a fresh recording, once; seconds of the timeline count from {@code at}, the planned start. Calls
   * meant to start before it (the warm-up) are not recorded, even when they end or are sent after it.
   */
  private void beginMeasuring(long at) {
    if (measuring.compareAndSet(false, true)) {
      recorder.startMeasuring(at);
      safely(() -> listener.measuring(at));
    }
  }

  /** Closes interval {@code k - 1} at {@code measureStart + k} seconds, unless that is the end of the run. */
  private void scheduleTick(int k) {
    long at = measureStart + k * SECOND;
    if (at >= runEnd) {
      return;
    }
    ticker.schedule(() -> {
      if (!issuing) {
        return;
      }
      IntervalSample sample = recorder.roll(System.nanoTime());
      safely(() -> listener.interval(sample, this));
      scheduleTick(k + 1);
    }, at - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  /** Returns {intended, missed, maxLagNanos} of the measured part. */
  private long[] openLoop() {
    Arrivals.Schedule schedule = spec.arrivals().schedule(spec.rate(), spec.seed());
    long lateNanos = spec.lateThreshold().toNanos();
    long intended = 0;
    long missed = 0;
    long maxLag = 0;
    while (true) {
      long at = runStart + schedule.nextOffsetNanos();
      if (at >= runEnd) {
        break;
      }
      boolean measured = at >= measureStart;
      if (!sleepUntil(at) || !acquire()) {
        // Stopped, or out of time while waiting for a free slot: count what the schedule still asked for.
        long until = stopRequested ? Math.min(System.nanoTime(), runEnd) : runEnd;
        for (long t = at; t < until; t = runStart + schedule.nextOffsetNanos()) {
          if (t >= measureStart) {
            intended++;
            missed++;
          }
        }
        break;
      }
      long now = System.nanoTime();
      long lag = now - at;
      if (measured) {
        intended++;
        maxLag = Math.max(maxLag, lag);
      }
      inFlight.incrementAndGet();
      send(new LoadCall(this, at, now, measured), lag > lateNanos);
    }
    return new long[] {intended, missed, maxLag};
  }

  private long[] closedLoop() {
    for (int i = 0; i < spec.concurrency() && !stopRequested; i++) {
      inFlight.incrementAndGet();
      continueCaller();
    }
    while (!stopRequested) {
      long left = runEnd - System.nanoTime();
      if (left <= 0) {
        break;
      }
      LockSupport.parkNanos(this, Math.min(left, 100_000_000L));
    }
    long sent = recorder.counters()[0];
    return new long[] {sent, 0, 0};
  }

  private boolean sleepUntil(long at) {
    while (true) {
      if (stopRequested) {
        return false;
      }
      long wait = at - System.nanoTime();
      if (wait <= 0) {
        return true;
      }
      LockSupport.parkNanos(this, wait);
    }
  }

  private boolean acquire() {
    if (permits == null) {
      return true;
    }
    try {
      while (!permits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
        if (stopRequested || System.nanoTime() >= runEnd) {
          return false;
        }
      }
      if (System.nanoTime() >= runEnd) {
        // The slot came free only after the run's end: this call was not sent in time, and nor will the rest.
        permits.release();
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Starts one call; its slot in {@link #inFlight} is already taken. */
  private void send(LoadCall call, boolean late) {
    if (call.measured()) {
      beginMeasuring(plannedMeasureStart);
      recorder.sent(late);
    }
    try {
      CallOptions options = CallOptions.DEFAULT.withOption(LoadCall.KEY, call);
      if (deadlineNanos > 0) {
        options = options.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS);
      }
      ClientCall<EchoRequest, EchoResponse> c = channel.newCall(method, options);
      c.start(call, new Metadata());
      c.request(1);
      c.sendMessage(request);
      c.halfClose();
    } catch (RuntimeException e) {
      completed(call, Status.fromThrowable(e));
    }
  }

  /**
   * Starts the next call of a closed-loop caller. A call that completes inside {@code start} (an in-process
   * server on a direct executor) would otherwise recurse once per call; a per-thread trampoline turns that
   * recursion into a loop.
   */
  private void continueCaller() {
    int[] t = trampoline.get();
    if (t[0] != 0) {
      t[1]++;
      return;
    }
    t[0] = 1;
    try {
      t[1] = 1;
      while (t[1] > 0) {
        t[1]--;
        long now = System.nanoTime();
        send(new LoadCall(this, now, now, now >= plannedMeasureStart), false);
      }
    } finally {
      t[0] = 0;
    }
  }

  void completed(LoadCall call, Status status) {
    if (!call.markClosed()) {
      return;
    }
    if (call.measured()) {
      recorder.completed(call, status, System.nanoTime());
    }
    if (permits != null) {
      permits.release();
    }
    boolean next = spec.mode() == LoadSpec.Mode.CLOSED_LOOP && issuing && !stopRequested
        && System.nanoTime() < runEnd;
    if (next) {
      // Take the next call's slot before giving this one back, so the count never touches zero mid-run.
      inFlight.incrementAndGet();
    }
    inFlight.decrementAndGet();
    if (next) {
      continueCaller();
    }
  }

  /** Waits for the calls in flight; returns how many were still running when it gave up. */
  private long drain() {
    long wait = stopRequested ? STOP_DRAIN_NANOS : deadlineNanos > 0 ? deadlineNanos + SECOND : NO_DEADLINE_DRAIN_NANOS;
    long limit = System.nanoTime() + wait;
    while (inFlight.get() > 0 && System.nanoTime() < limit) {
      LockSupport.parkNanos(this, 1_000_000L);
    }
    return Math.max(0, inFlight.get());
  }

  private LoadResult finish(long[] schedule, long issueEnd, long unfinished) {
    // Stopped during the warm-up: an empty measurement.
    beginMeasuring(System.nanoTime());
    recorder.roll(System.nanoTime());
    List<IntervalSample> intervals = recorder.intervals();
    long[] totals = new long[4];
    for (IntervalSample s : intervals) {
      totals[0] += s.sent();
      totals[1] += s.ok();
      totals[2] += s.errors();
      totals[3] += s.late();
    }
    long measured = Math.max(0, issueEnd - recorder.measureStartNanos());
    boolean interrupted = stopRequested && issueEnd < runEnd;
    long intended = spec.mode() == LoadSpec.Mode.OPEN_LOOP ? schedule[0] : totals[0];
    return new LoadResult(spec, measured, recorder.epochMillisAtStart(), totals, intended, schedule[1],
        schedule[2], unfinished, interrupted, recorder.errorsByStatus(), recorder.correctedTotal(),
        recorder.uncorrectedTotal(), intervals, recorder.backends(), recorder.channels());
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // A listener's failure (a closed stderr, a full disk) must not end the measurement.
      logger.log(Level.WARNING, "load run listener failed; the run goes on", e);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
