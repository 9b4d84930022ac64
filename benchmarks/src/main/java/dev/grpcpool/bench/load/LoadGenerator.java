package dev.grpcpool.bench.load;

import dev.grpcpool.bench.load.call.CallTemplate;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives calls through a channel (a pool or a single channel) as a {@link LoadSpec} says, records every one of them
 * and judges the run. What each call sends is a {@link CallTemplate}: the echo call by default, or any method of any
 * of the four call types; a call ends when its response stream does.
 *
 * <p><b>Open loop.</b> Calls are due at the times of the {@link Arrivals} schedule, and at most
 * {@link LoadSpec#concurrency()} are in flight. Whoever finds a due call and a free slot sends it: the scheduler
 * thread, which sleeps until the next intended time, or the callback of a call that just ended and freed a slot.
 * So at the cap the generator sends exactly as a closed loop does — from the completion callback, no thread
 * hand-off — while below it the schedule decides. Each call's latency is taken twice: from its <em>intended</em>
 * time (the corrected view: a stall of the server delays every call scheduled behind it, as it would delay real
 * users) and from its actual send (the service time a closed-loop tool reports). A late send is charged to the
 * target when it waited for a slot, and to the generator when a slot was free ({@link RunVerdict}).
 *
 * <p><b>Closed loop.</b> {@code concurrency} callers each start their next call from the previous call's
 * completion callback; there is no schedule, so both views are the service time.
 *
 * <p><b>Warm-up.</b> A fixed time, or until the run is steady ({@link WarmUp}); an open loop ramps its rate up
 * during it. The measured window starts when the warm-up ends and lasts {@link LoadSpec#duration()}; calls meant
 * to start outside it are sent but never recorded.
 *
 * <p><b>Deadlines</b> are enforced by one {@link DeadlineSweeper}, not by a timer per call.
 *
 * <p>No thread waits for a call. One ticker thread judges the warm-up, closes an interval every second of the
 * measurement and sweeps deadlines. {@link #stop} ends the run early; the result then holds what was measured so
 * far, marked interrupted.
 *
 * <p>This class is thread-safe.
 */
public final class LoadGenerator {

  /** Told about the run as it goes; called on the generator's ticker thread, so it must not block for long. */
  public interface Listener {
    /** The measurement starts now, at {@code nanoTime}: seconds of the timeline count from it. */
    default void measuring(long nanoTime) {}

    /**
     * One second of the warm-up has passed; {@code ended} calls ended in it, and the JIT compilers spent
     * {@code jitMillis} compiling (-1: the JVM does not say).
     */
    default void warmingUp(long elapsedNanos, long ended, long jitMillis, LoadGenerator generator) {}

    /** One interval (a second) of the measurement has closed. */
    default void interval(IntervalSample sample, LoadGenerator generator) {}
  }

  private static final Logger logger = Logger.getLogger(LoadGenerator.class.getName());
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  /** How long a stopped run waits for calls still in flight before it reports without them. */
  private static final long STOP_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** How long a run without call deadlines waits for calls still in flight at its end. */
  private static final long NO_DEADLINE_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** How long the scheduler rests when every slot is taken: the completion callbacks send meanwhile. */
  private static final long SATURATED_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long NONE = Long.MIN_VALUE;
  /** The clock probe ends this long before a shared start at the latest, so that it never delays the start. */
  private static final Duration PROBE_MARGIN = Duration.ofMillis(100);

  private final Channel channel;
  private final LoadSpec spec;
  private final Listener listener;
  private final boolean openLoop;
  private final LoadRecorder recorder;
  private final CallTemplate template;
  /** Inbound messages a call asks for at its start: one answer, or every message of a stream. */
  private final int responses;
  /** Numbers the calls for per-call request data; untouched when the data is the same for every call. */
  private final AtomicLong callNumber = new AtomicLong();
  private final DeadlineSweeper sweeper;
  private final WarmUp warmUp;
  private final int cap;
  private final long lateThresholdNanos;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<LoadResult> result = new CompletableFuture<>();
  private final ScheduledThreadPoolExecutor ticker;
  private final Thread driver;
  private final ThreadLocal<Trampoline> trampoline = ThreadLocal.withInitial(Trampoline::new);

  /** Guards {@link #schedule}; {@link #nextIntended} is also read without it, as a hint. */
  private final Object scheduleLock = new Object();
  private Arrivals.Schedule schedule;
  private volatile long nextIntended = Long.MAX_VALUE;
  /** Warm-up calls skipped because the schedule fell too far behind a cold server. Guarded by scheduleLock. */
  private long warmupSkipped;

  /** Calls that ended, measured or not, since the last warm-up second. */
  private final LongAdder endedThisSecond = new LongAdder();
  /** A due call found every slot taken, and no call was sent on time since. */
  private volatile boolean saturated;

  private volatile boolean issuing = true;
  private volatile boolean stopRequested;
  private volatile long runStart;
  private volatile long measureStart = Long.MAX_VALUE;
  private volatile long runEnd = Long.MAX_VALUE;
  private volatile long stoppedAt = Long.MAX_VALUE;
  private volatile long backlogAtStart;
  private volatile long backlogAtEnd;
  private volatile double sendCeiling = Double.NaN;
  /** Set by the driver before the run starts, read by it when it ends. */
  private List<ClockProbe.Offset> clocks = List.of();
  /** The JIT's total compilation time at the last warm-up second; touched by the ticker only. */
  private long lastJitMillis = -1;

  private LoadGenerator(Channel channel, LoadSpec spec, CallTemplate template, Listener listener) {
    this.channel = channel;
    this.spec = spec;
    this.template = template;
    this.responses = template.streamsResponses() ? Integer.MAX_VALUE : 1;
    this.listener = listener;
    this.openLoop = spec.mode() == LoadSpec.Mode.OPEN_LOOP;
    this.lateThresholdNanos = spec.lateThreshold().toNanos();
    this.recorder = new LoadRecorder(lateThresholdNanos);
    this.sweeper = spec.deadline().isZero() ? null : new DeadlineSweeper(spec.deadline());
    this.warmUp = new WarmUp(spec);
    this.cap = openLoop && spec.concurrency() == 0 ? Integer.MAX_VALUE : spec.concurrency();
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "grpcpool-load-ticker"));
    t.setRemoveOnCancelPolicy(true);
    this.ticker = t;
    this.driver = daemon(this::drive, "grpcpool-load-driver");
  }

  /**
   * Refuses an open-loop rate above what this process can start at all ({@link SendCeiling}) with calls of
   * {@code template}, before anything is sent. Above {@link SendCeiling#CHECK_ABOVE_RATE} this measures the ceiling
   * (about 1 s, once per process and template).
   *
   * @throws IllegalArgumentException naming the rate and the ceiling
   */
  public static void checkRate(LoadSpec spec, CallTemplate template) {
    if (spec.mode() != LoadSpec.Mode.OPEN_LOOP || spec.rate() <= SendCeiling.CHECK_ABOVE_RATE) {
      return;
    }
    double ceiling = SendCeiling.measure(template);
    if (spec.rate() > SendCeiling.BEYOND_FACTOR * ceiling) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "--rate %s/s is more than this process can send (at most %,.0f calls/s even to a channel that does"
              + " nothing); lower it, or split it over several generators", SummaryText.number(spec.rate()), ceiling));
    }
  }

  /** Starts a run of echo calls through {@code channel}; returns at once. */
  public static LoadGenerator start(Channel channel, LoadSpec spec) {
    return start(channel, spec, new Listener() {});
  }

  /** Starts a run of echo calls through {@code channel}, telling {@code listener} about each second; returns at once. */
  public static LoadGenerator start(Channel channel, LoadSpec spec, Listener listener) {
    return start(channel, spec, spec.echoTemplate(), listener);
  }

  /**
   * Starts a run of calls made from {@code template} through {@code channel}, telling {@code listener} about each
   * second; returns at once.
   */
  public static LoadGenerator start(Channel channel, LoadSpec spec, CallTemplate template, Listener listener) {
    LoadGenerator g = new LoadGenerator(channel, spec, template, listener);
    g.driver.start();
    return g;
  }

  /** Runs echo calls to the end and returns the result. */
  public static LoadResult run(Channel channel, LoadSpec spec) throws InterruptedException {
    return run(channel, spec, spec.echoTemplate());
  }

  /** Runs calls made from {@code template} to the end and returns the result. */
  public static LoadResult run(Channel channel, LoadSpec spec, CallTemplate template) throws InterruptedException {
    return start(channel, spec, template, new Listener() {}).await();
  }

  /**
   * Ends the run early: no new call starts, calls in flight get a short time to finish, and the result holds
   * what was measured so far, marked {@linkplain LoadResult#interrupted() interrupted}. Idempotent.
   */
  public void stop() {
    if (!stopRequested) {
      stoppedAt = System.nanoTime();
      stopRequested = true;
    }
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

  /** Calls started and not yet ended, measured or not. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Measured calls sent so far. */
  public long sentSoFar() {
    return recorder.sent();
  }

  public long okSoFar() {
    return recorder.ok();
  }

  public long failedSoFar() {
    return recorder.failed();
  }

  /** A percentile of the corrected latency of the seconds closed so far, in milliseconds (NaN when none). */
  public double correctedMillisSoFar(double percentile) {
    return LoadRecorder.millis(recorder.correctedTotal(), percentile);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private void drive() {
    try {
      if (openLoop && spec.rate() > SendCeiling.CHECK_ABOVE_RATE) {
        sendCeiling = SendCeiling.measure(template);
      }
      if (spec.startAt() != null) {
        // Read while waiting anyway: the calls are not measured, and merged runs report the clocks apart.
        clocks = ClockProbe.measure(channel, spec.startAt().minus(PROBE_MARGIN));
        waitUntil(spec.startAt());
      }
      runStart = System.nanoTime();
      if (openLoop) {
        synchronized (scheduleLock) {
          schedule = spec.rateSteps().isEmpty()
              ? spec.arrivals().schedule(spec.rate() * spec.generators(), spec.seed(), warmUp.rampNanos(),
                  spec.generatorIndex(), spec.generators())
              : spec.arrivals().schedule(spec.rateSteps(), spec.warmup().toNanos(), spec.seed(), warmUp.rampNanos(),
                  spec.generatorIndex(), spec.generators());
          nextIntended = runStart + schedule.nextOffsetNanos();
        }
      }
      if (spec.warmupUntilSteady()) {
        scheduleWarmupSecond(1);
      } else {
        beginMeasuring(runStart + spec.warmup().toNanos());
      }
      if (sweeper != null) {
        long period = DeadlineSweeper.PERIOD.toNanos();
        ticker.scheduleAtFixedRate(() -> sweeper.sweep(System.nanoTime()), period, period, TimeUnit.NANOSECONDS);
      }
      if (openLoop) {
        openLoop();
      } else {
        closedLoop();
      }
      backlogAtEnd = inFlight.get();
      issuing = false;
      long[] missed = openLoop ? countMissed() : new long[2];
      drain();
      recorder.freeze();
      ticker.shutdownNow();
      ticker.awaitTermination(10, TimeUnit.SECONDS);
      result.complete(finish(missed));
    } catch (Throwable t) {
      issuing = false;
      ticker.shutdownNow();
      result.completeExceptionally(t);
    }
  }

  /**
   * Parks until the wall clock reads {@code startAt}, or a stop is requested (the run then ends at once, with
   * nothing measured). Generators started by one schedule begin within the machines' clock skew of each other.
   */
  private void waitUntil(Instant startAt) {
    while (!stopRequested) {
      long left = Duration.between(Instant.now(), startAt).toNanos();
      if (left <= 0) {
        return;
      }
      // Short parks near the end: a park overshoots by tens of microseconds, not by its length.
      LockSupport.parkNanos(Math.min(left, left > 2_000_000 ? 100_000_000 : 50_000));
    }
  }

  /**
   * Fixes the measured window at {@code [at, at + duration)}: calls meant to start in it are recorded. Called once,
   * before any such call is sent; the listener hears of it at {@code at}.
   */
  private synchronized void beginMeasuring(long at) {
    if (measureStart != Long.MAX_VALUE) {
      return;
    }
    long end = at + spec.duration().toNanos();
    recorder.startMeasuring(at, end);
    runEnd = end;
    measureStart = at;
    if (!ticker.isShutdown()) {
      ticker.schedule(() -> {
        backlogAtStart = inFlight.get();
        safely(() -> listener.measuring(at));
      }, at - System.nanoTime(), TimeUnit.NANOSECONDS);
      scheduleTick(1);
    }
  }

  /** Judges warm-up second {@code k} when it ends; begins measuring a second later once the run is steady. */
  private void scheduleWarmupSecond(int k) {
    long at = runStart + k * SECOND;
    ticker.schedule(() -> {
      if (stopRequested || measureStart != Long.MAX_VALUE) {
        return;
      }
      long ended = endedThisSecond.sumThenReset();
      long now = System.nanoTime();
      long behind = openLoop ? Math.max(0, now - nextIntended) : 0;
      long elapsed = now - runStart;
      long jit = jitMillisSinceLastSecond();
      safely(() -> listener.warmingUp(elapsed, ended, jit, this));
      if (warmUp.second(k * SECOND, ended, behind, jit)) {
        // A second ahead, so that no call meant to start in the window has been sent yet.
        beginMeasuring(System.nanoTime() + SECOND);
      } else {
        scheduleWarmupSecond(k + 1);
      }
    }, at - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  /** Milliseconds this JVM's JIT compilers spent since the last call, or -1 when the JVM does not say. */
  private long jitMillisSinceLastSecond() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return -1;
    }
    long total = jit.getTotalCompilationTime();
    long delta = lastJitMillis < 0 ? total : total - lastJitMillis;
    lastJitMillis = total;
    return delta;
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

  // ---------------------------------------------------------------- open loop

  private void openLoop() {
    while (!stopRequested) {
      long next = nextIntended;
      if (System.nanoTime() >= runEnd) {
        return;
      }
      if (next >= runEnd) {
        // No call is due before the end, but the measurement lasts until then: a last step at 0 calls/s is
        // there to watch what happens after the load (a pool shrinking), second by second.
        sleepUntil(runEnd);
        return;
      }
      if (!sleepUntil(Math.min(next, runEnd))) {
        return;
      }
      if (pump() == 0 && saturated) {
        LockSupport.parkNanos(this, SATURATED_PARK_NANOS);
      }
    }
  }

  /**
   * Sends every call that is due while a slot is free; returns how many it sent. Called by the scheduler when a
   * call falls due and by each call that ends (its slot just came free). A call that ends inside its own send (a
   * synchronous failure, an in-process server on a direct executor) would otherwise pump again from inside the
   * pump, once per call of a backlog; a per-thread trampoline turns that recursion into another turn of the loop.
   */
  private int pump() {
    Trampoline t = trampoline.get();
    if (t.active) {
      t.pending = 1;
      return 0;
    }
    t.active = true;
    int sent = 0;
    try {
      do {
        t.pending = 0;
        sent += pumpOnce();
      } while (t.pending != 0);
    } finally {
      t.active = false;
    }
    return sent;
  }

  private int pumpOnce() {
    int sent = 0;
    while (issuing && !stopRequested) {
      if (nextIntended > System.nanoTime()) {
        return sent;
      }
      if (!takeSlot()) {
        saturated = true;
        return sent;
      }
      long intended = claimDue();
      if (intended == NONE) {
        releaseSlot();
        return sent;
      }
      long now = System.nanoTime();
      long lag = now - intended;
      boolean waited = false;
      if (lag <= lateThresholdNanos) {
        saturated = false;
      } else if (saturated) {
        waited = true;
      }
      send(intended, now, lag, waited);
      sent++;
    }
    return sent;
  }

  /**
   * The intended time of the next call if it is due and inside the run, taking it off the schedule; else NONE.
   * During the warm-up, a schedule more than {@link WarmUp#MAX_BEHIND} behind first skips ahead to now (never past
   * the start of the measurement): those calls are not measured, and replaying them would flood a server whose JIT
   * is still cold. Once the measurement has begun, warm-up calls still due are skipped too: sent then, they would
   * hold the slots for the first measured seconds (a second of backlog at 60,000/s asked and 22,000/s served
   * took 2.7 of the 10 s measured) and the target would seem to serve less than it does.
   */
  private long claimDue() {
    synchronized (scheduleLock) {
      long now = System.nanoTime();
      long intended = nextIntended;
      if (intended > now || intended >= runEnd || now >= runEnd) {
        return NONE;
      }
      if (intended < measureStart && (now >= measureStart || now - intended > WarmUp.MAX_BEHIND.toNanos())) {
        long to = Math.min(now, measureStart);
        warmupSkipped += 1 + schedule.skipTo(to - runStart);
        intended = runStart + schedule.nextOffsetNanos();
        if (intended > now || intended >= runEnd) {
          nextIntended = intended;
          return NONE;
        }
      }
      nextIntended = runStart + schedule.nextOffsetNanos();
      return intended;
    }
  }

  private boolean takeSlot() {
    while (true) {
      int n = inFlight.get();
      if (n >= cap) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  private void releaseSlot() {
    inFlight.decrementAndGet();
  }

  /**
   * The measured calls the schedule asked for that were never sent: {missed, of which the generator's}. Calls
   * left behind while every slot was taken are the target's; the rest the generator's.
   */
  private long[] countMissed() {
    long until = stopRequested ? Math.min(stoppedAt, runEnd) : runEnd;
    long missed;
    synchronized (scheduleLock) {
      long from = Math.max(nextIntended, measureStart);
      if (measureStart == Long.MAX_VALUE || from >= until) {
        return new long[2];
      }
      // The call at nextIntended is drawn from the schedule already; the schedule counts the ones after it.
      long before = 1 + schedule.remainingBefore(until - runStart);
      long warm = nextIntended < measureStart ? 1 + schedule.remainingBefore(measureStart - runStart) : 0;
      missed = Math.max(0, before - warm);
    }
    return new long[] {missed, saturated ? 0 : missed};
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

  // ---------------------------------------------------------------- closed loop

  private void closedLoop() {
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
  }

  /**
   * Starts the next call of a closed-loop caller. A call that completes inside {@code start} (an in-process
   * server on a direct executor) would otherwise recurse once per call; a per-thread trampoline turns that
   * recursion into a loop.
   */
  private void continueCaller() {
    Trampoline t = trampoline.get();
    if (t.active) {
      t.pending++;
      return;
    }
    t.active = true;
    try {
      t.pending = 1;
      while (t.pending > 0) {
        t.pending--;
        long now = System.nanoTime();
        send(now, now, 0, false);
      }
    } finally {
      t.active = false;
    }
  }

  // ---------------------------------------------------------------- calls

  /** Starts one call; its slot in {@link #inFlight} is already taken. */
  private void send(long intended, long now, long lag, boolean waitedForSlot) {
    LoadCall call = new LoadCall(this, intended, now);
    recorder.sent(call, lag, waitedForSlot);
    try {
      // Made first: per-call data that does not fit its field fails this call before anything is started.
      List<?> messages = template.messages(template.variesPerCall() ? callNumber.getAndIncrement() : 0);
      ClientCall<Object, Object> c =
          channel.newCall(template.method(), template.callOptions().withOption(LoadCall.KEY, call));
      if (sweeper != null) {
        call.attach(c, sweeper.deadlineFor(now));
      }
      c.start(call, template.headers());
      c.request(responses);
      for (int i = 0; i < messages.size(); i++) {
        c.sendMessage(messages.get(i));
      }
      c.halfClose();
      if (sweeper != null) {
        sweeper.add(call);
      }
    } catch (RuntimeException e) {
      completed(call, Status.fromThrowable(e));
    }
  }

  /** Its channel named itself: count it there. */
  void labelled(LoadCall call) {
    recorder.labelled(call);
  }

  void completed(LoadCall call, Status status) {
    if (!call.markClosed()) {
      return;
    }
    Status s = call.expired() && status.getCode() == Status.Code.CANCELLED
        ? Status.DEADLINE_EXCEEDED.withDescription(status.getDescription()) : status;
    recorder.completed(call, s, System.nanoTime());
    endedThisSecond.increment();
    if (openLoop) {
      releaseSlot();
      pump();
      return;
    }
    boolean next = issuing && !stopRequested && System.nanoTime() < runEnd;
    if (next) {
      continueCaller();
    } else {
      inFlight.decrementAndGet();
    }
  }

  /** Waits for the calls in flight to end, or until it gives up. */
  private void drain() {
    long wait = stopRequested ? STOP_DRAIN_NANOS
        : sweeper != null ? spec.deadline().toNanos() + SECOND : NO_DEADLINE_DRAIN_NANOS;
    long limit = System.nanoTime() + wait;
    while (inFlight.get() > 0 && System.nanoTime() < limit) {
      LockSupport.parkNanos(this, 1_000_000L);
    }
  }

  private LoadResult finish(long[] missed) {
    long now = System.nanoTime();
    // Stopped before the warm-up ended: an empty measurement.
    beginMeasuring(Math.min(now, stoppedAt));
    long issueEnd = Math.min(Math.min(stoppedAt, now), runEnd);
    recorder.roll(Math.max(issueEnd, now));
    long sent = recorder.sent();
    long ok = recorder.ok();
    long failed = recorder.failed();
    LoadResult.Counts counts = new LoadResult.Counts(sent + missed[0], sent, ok, failed, sent - ok - failed,
        missed[0], missed[1]);
    LoadResult.Lag lag = new LoadResult.Lag(recorder.late(), recorder.lateWaitingForSlot(),
        recorder.generatorBehind(), recorder.maxLagNanos(), sendCeiling);
    LoadResult.Backlog backlog = new LoadResult.Backlog(backlogAtStart, backlogAtEnd);
    long measureStartNanos = recorder.measureStartNanos();
    return new LoadResult(spec, Math.max(0, issueEnd - measureStartNanos), recorder.epochMillisAtStart(),
        warmUp.describe(measureStartNanos - runStart, skipped()), counts, lag, backlog,
        stopRequested && issueEnd < runEnd,
        recorder.failedByStatus(), recorder.correctedTotal(), recorder.uncorrectedTotal(), recorder.intervals(),
        recorder.timeline(), recorder.backends(), recorder.channels(), clocks);
  }

  private long skipped() {
    synchronized (scheduleLock) {
      return warmupSkipped;
    }
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

  /** One thread's trampoline state: whether it is inside the loop, and the turns asked for from inside it. */
  private static final class Trampoline {
    boolean active;
    int pending;
  }
}
