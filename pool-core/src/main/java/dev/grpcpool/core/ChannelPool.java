package dev.grpcpool.core;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A fixed-size pool of gRPC channels that is itself a {@link ManagedChannel}: bind a stub to it once and
 * every call picks a channel by the configured {@link PickStrategy}.
 *
 * <pre>{@code
 * try (ChannelPool pool = ChannelPool.create(PoolConfig.builder("dns:///echo.internal:50051")
 *     .size(4).pickStrategy(PickStrategy.LEAST_IN_FLIGHT).build())) {
 *   EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(pool);
 *   stub.unary(request);
 * }
 * }</pre>
 *
 * <p>Picks take no lock and allocate nothing: the channels sit in an {@link AtomicReferenceArray}, their
 * states are cached from {@code notifyWhenStateChanged}, and counters are atomics. A call counts as in flight
 * on its channel from the pick until it closes, including a call cancelled before {@code start} or whose
 * {@code start} throws. A maintenance thread per pool runs the health pass (see {@link PoolConfig}), replaces
 * channels that are shut down or failing past their grace period, or that reached {@code maxChannelAge}; the
 * new channel is swapped in atomically and the old one is shut down gracefully after its picked calls have
 * started, off the caller's path.
 *
 * <p>Lifecycle: {@link #shutdown()} shuts every channel down gracefully (calls already started finish, new
 * calls fail at once with UNAVAILABLE), including replaced channels still draining; {@link #shutdownNow()}
 * also cancels running calls; {@link #close()} shuts down, waits up to {@code closeTimeout}, then forces.
 *
 * <p>This class is thread-safe.
 */
public final class ChannelPool extends ManagedChannel implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(ChannelPool.class.getName());
  private static final AtomicInteger POOL_IDS = new AtomicInteger();
  private static final Status SHUT_DOWN = Status.UNAVAILABLE.withDescription("ChannelPool is shut down");
  /** How long {@link #close()} waits for channels to terminate after forcing them. */
  private static final long FORCED_TERMINATION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final PoolConfig config;
  private final int size;
  private final AtomicReferenceArray<PooledChannel> channels;
  private final LongAdder[] picks;
  private final LongAdder[] callsOk;
  private final LongAdder[] callsFailed;
  private final ChannelPicker picker;
  private final LongAdder reconnects = new LongAdder();
  /** Replaced channels until they terminate, so shutdown and awaitTermination cover them. */
  private final Set<PooledChannel> draining = ConcurrentHashMap.newKeySet();
  private final PooledChannelFactory channelFactory;
  private final HealthChecker healthChecker;
  private final PoolMaintenance maintenance;
  private volatile boolean shutdown;
  private volatile LongConsumer pickRecorder;

  private ChannelPool(PoolConfig config) {
    this.config = config;
    this.size = config.size();
    this.channels = new AtomicReferenceArray<>(size);
    this.picks = newAdders(size);
    this.callsOk = newAdders(size);
    this.callsFailed = newAdders(size);
    this.channelFactory = new PooledChannelFactory(config);
    this.healthChecker = new HealthChecker(config.healthServiceName(), config.healthCheckTimeout());
    this.picker = new ChannelPicker(config.pickStrategy(), channels, healthChecker);
    this.maintenance = new PoolMaintenance(this, config, "grpcpool-" + POOL_IDS.incrementAndGet());
  }

  /**
   * Builds every channel, starts connecting them and starts the health pass.
   *
   * @throws RuntimeException if a channel cannot be built (e.g. an unknown target scheme); channels built
   *     before it are shut down
   */
  public static ChannelPool create(PoolConfig config) {
    ChannelPool pool = new ChannelPool(config);
    try {
      for (int i = 0; i < pool.size; i++) {
        pool.channels.set(i, pool.channelFactory.create(i));
      }
    } catch (RuntimeException | Error e) {
      for (int i = 0; i < pool.size; i++) {
        PooledChannel pc = pool.channels.get(i);
        if (pc != null) {
          pc.channel.shutdownNow();
        }
      }
      throw e;
    }
    for (int i = 0; i < pool.size; i++) {
      pool.channels.get(i).startWatching(pool::onStateChange);
    }
    pool.maintenance.start();
    return pool;
  }

  private static LongAdder[] newAdders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  // ---------------------------------------------------------------- picking

  /**
   * The next channel in round-robin order, whatever its state. Calls made directly on the returned channel
   * are not calls of the pool: they are not counted in {@link #stats()}.
   */
  public ManagedChannel get() {
    return channels.get(picker.roundRobin()).channel;
  }

  /**
   * The first READY or IDLE channel from the round-robin start (an IDLE one is asked to connect), skipping
   * channels failing their health check when a health service is configured. Never a shut-down channel while
   * the pool is open. When none qualifies, the round-robin choice, counted in
   * {@link PoolStats#noHealthyFallbacks()}. Like {@link #get()}, the choice itself is not counted as a call.
   */
  public ManagedChannel getHealthy() {
    return channels.get(picker.healthy()).channel;
  }

  /**
   * The channel the configured strategy chooses, as {@code newCall} would; lock-free and allocation-free.
   * Only calls through the pool are counted in {@link #stats()}: a choice made here writes no counter, so that
   * choosing costs only the strategy (what the pick-overhead benchmark measures).
   */
  public ManagedChannel pick() {
    return picker.pickChannel().channel;
  }

  // ---------------------------------------------------------------- calls

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions) {
    if (shutdown) {
      return new FailingCall<>(SHUT_DOWN, callOptions);
    }
    LongConsumer recorder = pickRecorder;
    long startNanos = recorder == null ? 0 : System.nanoTime();
    PooledChannel pc = acquire();
    if (recorder != null) {
      recorder.accept(System.nanoTime() - startNanos);
    }
    ClientCall<ReqT, RespT> call;
    try {
      call = pc.channel.newCall(method, callOptions);
    } catch (RuntimeException | Error e) {
      releaseUnstarted(pc);
      callClosed(pc, false);
      throw e;
    }
    return new CountingCall<>(call, pc, this);
  }

  /**
   * Picks a channel and counts a call on it. The unstarted count is raised before re-reading the slot: a
   * replacement that swaps the slot afterwards then sees the count and keeps the old channel open until the
   * call has started; one that swapped before is seen here, and the pick is retried.
   */
  private PooledChannel acquire() {
    while (true) {
      int i = picker.pick();
      PooledChannel pc = channels.get(i);
      pc.unstarted.incrementAndGet();
      if (channels.get(i) == pc) {
        pc.inFlight.incrementAndGet();
        picks[i].increment();
        return pc;
      }
      releaseUnstarted(pc);
    }
  }

  void releaseUnstarted(PooledChannel pc) {
    if (pc.unstarted.decrementAndGet() == 0 && pc.isRetired()) {
      maintenance.shutdownRetired(pc);
    }
  }

  void callClosed(PooledChannel pc, boolean ok) {
    pc.inFlight.decrementAndGet();
    (ok ? callsOk : callsFailed)[pc.index].increment();
  }

  // ---------------------------------------------------------------- state, stats, replacement

  private void onStateChange(PooledChannel pc) {
    ConnectivityState s = pc.state();
    if (s == ConnectivityState.READY && healthChecker.usesHealthService()) {
      // Checked at once rather than at the next pass, so a recovered channel is picked again soon; started
      // from the maintenance thread, not from inside the channel's callback.
      maintenance.execute(() -> healthChecker.check(pc));
    } else if (s == ConnectivityState.SHUTDOWN && !shutdown && channels.get(pc.index) == pc) {
      maintenance.scheduleReplacement(pc, "channel was shut down", false);
    }
  }

  /**
   * Swaps a new channel, built from the full config, into {@code expected}'s slot and retires
   * {@code expected}. Returns false if the pool is shut down, the slot holds another channel by now, or the
   * new channel cannot be built.
   */
  boolean replace(PooledChannel expected, String reason) {
    int i = expected.index;
    if (shutdown || channels.get(i) != expected) {
      return false;
    }
    PooledChannel fresh;
    try {
      fresh = channelFactory.create(i);
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "Could not build a replacement for channel " + i + " (" + reason + ")", e);
      return false;
    }
    fresh.startWatching(this::onStateChange);
    // Listed before the swap so a concurrent shutdown finds it either in the slot or here.
    draining.add(expected);
    if (!channels.compareAndSet(i, expected, fresh)) {
      draining.remove(expected);
      fresh.channel.shutdownNow();
      return false;
    }
    reconnects.increment();
    if (shutdown) {
      fresh.channel.shutdown();
      expected.channel.shutdown();
      return true;
    }
    logger.log(Level.FINE, "Replaced channel {0} to {1}: {2}", new Object[] {i, expected.target, reason});
    maintenance.retire(expected);
    maintenance.channelAdded(fresh, false);
    return true;
  }

  /** The channel currently in slot {@code index}. */
  PooledChannel current(int index) {
    return channels.get(index);
  }

  HealthChecker healthChecker() {
    return healthChecker;
  }

  void pruneDraining() {
    draining.removeIf(pc -> pc.channel.isTerminated());
  }

  /** Sets the round-robin position to slot {@code index}, to exercise its wrap to slot 0. */
  void setRoundRobinPosition(int index) {
    picker.setPosition(index);
  }

  /**
   * Hook for metrics: when set, {@code newCall} measures how long the pick took and passes the nanoseconds.
   * Null (the default) costs one volatile read per call.
   */
  void setPickRecorder(LongConsumer pickNanos) {
    this.pickRecorder = pickNanos;
  }

  /** A snapshot of the pool's channels and counters. */
  public PoolStats stats() {
    List<PoolStats.ChannelStats> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      PooledChannel pc = channels.get(i);
      ConnectivityState state = pc.refreshState();
      list.add(new PoolStats.ChannelStats(i, pc.target, state, healthChecker.healthOf(pc), pc.inFlight.get(),
          picks[i].sum(), callsOk[i].sum(), callsFailed[i].sum()));
    }
    int stillDraining = 0;
    for (PooledChannel pc : draining) {
      if (!pc.channel.isTerminated()) {
        stillDraining++;
      }
    }
    return new PoolStats(list, reconnects.sum(), picker.noHealthyFallbacks(), stillDraining);
  }

  /** Number of channels. */
  public int size() {
    return size;
  }

  public PoolConfig config() {
    return config;
  }

  /** The authority of the first channel (all channels share it unless the config lists several targets). */
  @Override
  public String authority() {
    return channels.get(0).channel.authority();
  }

  /**
   * The pool's aggregate state: SHUTDOWN once shut down, else READY if any channel is, else CONNECTING, IDLE
   * or TRANSIENT_FAILURE in that order.
   */
  @Override
  public ConnectivityState getState(boolean requestConnection) {
    if (shutdown) {
      return ConnectivityState.SHUTDOWN;
    }
    boolean connecting = false;
    boolean idle = false;
    for (int i = 0; i < size; i++) {
      ConnectivityState s = channels.get(i).channel.getState(requestConnection);
      if (s == ConnectivityState.READY) {
        return s;
      }
      connecting |= s == ConnectivityState.CONNECTING;
      idle |= s == ConnectivityState.IDLE;
    }
    return connecting ? ConnectivityState.CONNECTING
        : idle ? ConnectivityState.IDLE : ConnectivityState.TRANSIENT_FAILURE;
  }

  @Override
  public void resetConnectBackoff() {
    for (int i = 0; i < size; i++) {
      channels.get(i).channel.resetConnectBackoff();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Stops the health pass and shuts down every channel gracefully, replaced ones still draining included:
   * calls already started finish, new calls fail with UNAVAILABLE. Idempotent.
   */
  @Override
  public ChannelPool shutdown() {
    shutdown = true;
    maintenance.stop();
    for (int i = 0; i < size; i++) {
      channels.get(i).channel.shutdown();
    }
    for (PooledChannel pc : draining) {
      pc.channel.shutdown();
    }
    return this;
  }

  /** Like {@link #shutdown()}, and also cancels running calls on every channel. */
  @Override
  public ChannelPool shutdownNow() {
    shutdown();
    for (int i = 0; i < size; i++) {
      channels.get(i).channel.shutdownNow();
    }
    for (PooledChannel pc : draining) {
      pc.channel.shutdownNow();
    }
    return this;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  /** True once shut down and every channel, draining ones included, and the maintenance thread are gone. */
  @Override
  public boolean isTerminated() {
    if (!shutdown || !maintenance.isTerminated()) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (!channels.get(i).channel.isTerminated()) {
        return false;
      }
    }
    for (PooledChannel pc : draining) {
      if (!pc.channel.isTerminated()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (!maintenance.awaitTermination(deadline - System.nanoTime())) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (!channels.get(i).channel.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    for (PooledChannel pc : draining) {
      if (!pc.channel.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return isTerminated();
  }

  /**
   * Shuts down, waits up to {@code closeTimeout} for calls in flight to finish, then cancels what is left
   * and waits briefly for termination. Idempotent; after it returns no thread of the pool is running.
   * An interrupt forces the shutdown at once and is preserved.
   */
  @Override
  public void close() {
    shutdown();
    try {
      if (awaitTermination(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
      shutdownNow();
      if (!awaitTermination(FORCED_TERMINATION_WAIT_NANOS, TimeUnit.NANOSECONDS)) {
        logger.log(Level.WARNING, "ChannelPool channels did not terminate after shutdownNow");
      }
    } catch (InterruptedException e) {
      shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ChannelPool{size=" + size + ", strategy=" + config.pickStrategy() + ", targets=" + config.targets()
        + ", shutdown=" + shutdown + '}';
  }
}
