package dev.grpcpool.core;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A pool of gRPC channels that is itself a {@link ManagedChannel}: bind a stub to it once and every call picks a
 * channel by the configured {@link PickStrategy}. Its size is fixed, or it sizes itself between
 * {@link PoolConfig#minSize()} and {@link PoolConfig#maxSize()}.
 *
 * <pre>{@code
 * try (ChannelPool pool = ChannelPool.create(PoolConfig.builder("dns:///echo.internal:50051")
 *     .size(4).pickStrategy(PickStrategy.LEAST_IN_FLIGHT).build())) {
 *   EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(pool);
 *   stub.unary(request);
 * }
 * }</pre>
 *
 * <p>How picking, call accounting, health checking, replacement and the pool's threads work is described in
 * the {@linkplain dev.grpcpool.core package manual}. In short: a pick reads an immutable snapshot of the
 * channels it may choose, rebuilt when a channel's state or health changes; every call is counted on the
 * channel it picked from pick to close; a maintenance thread per pool checks health and replaces channels,
 * swapping the new one in before the old one shuts down gracefully; a pool that sizes itself adds channels at
 * the end (picked once READY) and removes them from the end (out of the snapshot first, then drained).
 *
 * <p>As a {@link ManagedChannel}: {@link #getState} combines the channels' states (READY if any channel is,
 * else CONNECTING, else IDLE, else TRANSIENT_FAILURE; SHUTDOWN once shut down); {@link #notifyWhenStateChanged}
 * fires once when that combined state leaves {@code source}; {@link #resetConnectBackoff} and
 * {@link #enterIdle} reach every channel; {@link #shutdown()} shuts every channel down gracefully (calls already
 * started finish, new calls fail at once with UNAVAILABLE), replaced channels still draining included;
 * {@link #shutdownNow()} also cancels running calls; {@link #close()} shuts down, waits up to
 * {@code closeTimeout}, then forces.
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
  /** The positions in use, by index; replaced as a whole (by the maintenance thread) when the pool resizes. */
  private volatile Slot[] slots;
  /** Every position ever used, by index: those in use first, then removed ones kept for their counters. */
  private volatile Slot[] positions;
  private final ChannelPicker picker;
  /** Every channel not yet known to be terminated: the slots' current ones and replaced ones draining. */
  private final Set<PooledChannel> live = ConcurrentHashMap.newKeySet();
  private final PooledChannelFactory channelFactory;
  private final HealthChecker healthChecker;
  private final PoolMaintenance maintenance;
  private final List<StateWatcher> stateWatchers = new ArrayList<>();
  private volatile boolean shutdown;
  private volatile LongConsumer pickRecorder;
  private volatile Runnable positionsListener;

  private record StateWatcher(ConnectivityState source, Runnable callback) {}

  private ChannelPool(PoolConfig config) {
    this.config = config;
    int size = config.size();
    Slot[] first = new Slot[size];
    for (int i = 0; i < size; i++) {
      first[i] = newSlot(i);
    }
    this.slots = first;
    this.positions = first;
    this.channelFactory = new PooledChannelFactory(config);
    this.healthChecker = new HealthChecker(config.healthServiceName().orElse(null), config.healthCheckTimeout(),
        this::channelsChanged);
    this.picker = new ChannelPicker(config.pickStrategy(), healthChecker.usesHealthService(), size);
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
      for (Slot slot : pool.slots) {
        PooledChannel pc = pool.channelFactory.create(slot);
        pool.live.add(pc);
        slot.install(pc, true);
      }
    } catch (RuntimeException | Error e) {
      pool.live.forEach(pc -> pc.channel.shutdownNow());
      throw e;
    }
    pool.picker.rebuild(pool::slots);
    for (Slot slot : pool.slots) {
      slot.current().startWatching(pool::onStateChange);
    }
    // Watching reads each channel's first state (CONNECTING, usually) without a change callback.
    pool.picker.rebuild(pool::slots);
    pool.maintenance.start();
    return pool;
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
    PooledChannel pc = picker.pick();
    while (!pc.retain()) {
      // Retired between the snapshot read and the count; the snapshot without it is already published.
      pc = picker.pick();
    }
    if (recorder != null) {
      recorder.accept(System.nanoTime() - startNanos);
    }
    return newCall(pc, method, callOptions);
  }

  /** A counted call on slot {@code slot}'s current channel (for the views {@link #get()} hands out). */
  private <ReqT, RespT> ClientCall<ReqT, RespT> newCallOnSlot(
      Slot slot, MethodDescriptor<ReqT, RespT> method, CallOptions callOptions) {
    if (shutdown) {
      return new FailingCall<>(SHUT_DOWN, callOptions);
    }
    PooledChannel pc = slot.current();
    while (!pc.retain()) {
      if (!slot.inUse()) {
        // A resize removed the position after the view was handed out: the pool chooses instead.
        return newCall(method, callOptions);
      }
      pc = slot.current();
    }
    return newCall(pc, method, callOptions);
  }

  private static <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
      PooledChannel pc, MethodDescriptor<ReqT, RespT> method, CallOptions callOptions) {
    ClientCall<ReqT, RespT> call;
    try {
      call = pc.channel.newCall(method, callOptions.withStreamTracerFactory(pc.slot.queueWait));
    } catch (RuntimeException | Error e) {
      pc.started();
      pc.closed(false);
      throw e;
    }
    return new CountingCall<>(call, pc);
  }

  // ---------------------------------------------------------------- the article's get() / getHealthy()

  /**
   * For code ported from the well-known pool article: the next slot in round-robin order, whatever its state,
   * as a {@link Channel} bound to that slot. Every call made on it goes to that slot's channel (its
   * replacement, once it is replaced; whichever channel the pool picks, once a resize removed the slot) and is
   * counted like any call through the pool; it cannot shut the channel down. New code binds stubs to the pool
   * itself.
   */
  public Channel get() {
    return picker.roundRobin().slot.view;
  }

  /**
   * Like {@link #get()}, but the next healthy slot: READY or IDLE and, with a health service, not answering
   * other than SERVING. When none is healthy, a slot whose channel is not shut down, counted in
   * {@link PoolStats#noHealthyFallbacks()}.
   */
  public Channel getHealthy() {
    return picker.healthy().slot.view;
  }

  /** The view of one slot that {@link #get()} hands out. Thread-safe. */
  final class SlotView extends Channel {
    private final Slot slot;

    SlotView(Slot slot) {
      this.slot = slot;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions callOptions) {
      return newCallOnSlot(slot, method, callOptions);
    }

    @Override
    public String authority() {
      return slot.current().channel.authority();
    }

    @Override
    public String toString() {
      return "ChannelPool.SlotView{index=" + slot.index + ", target=" + slot.target + '}';
    }
  }

  // ---------------------------------------------------------------- state, stats, replacement

  private void onStateChange(PooledChannel pc) {
    ConnectivityState s = pc.state();
    if (s == ConnectivityState.READY && !pc.slot.joined() && pc.slot.holds(pc)) {
      pc.slot.join();
    }
    channelsChanged();
    if (s == ConnectivityState.READY && healthChecker.usesHealthService()) {
      // Checked at once rather than at the next pass, so a recovered channel is picked again soon; started
      // from the maintenance thread, not from inside the channel's callback.
      maintenance.execute(() -> healthChecker.check(pc));
    } else if (s == ConnectivityState.SHUTDOWN && !shutdown && pc.slot.holds(pc)) {
      maintenance.scheduleReplacement(pc, "channel was shut down", false);
    }
  }

  /** A channel's state or health or a slot's channel changed: republish the pick snapshot, tell watchers. */
  void channelsChanged() {
    picker.rebuild(this::slots);
    fireStateWatchers();
  }

  /**
   * Builds a channel for {@code slot} from the full config and registers it as live. Null if the pool is shut
   * down (a channel built meanwhile is shut down here).
   */
  PooledChannel newChannel(Slot slot) {
    PooledChannel fresh = channelFactory.create(slot);
    // Listed before the shutdown flag is read: a concurrent shutdown either finds it here or is seen below.
    live.add(fresh);
    if (shutdown) {
      fresh.channel.shutdownNow();
      return null;
    }
    fresh.startWatching(this::onStateChange);
    return fresh;
  }

  Slot[] slots() {
    return slots;
  }

  /** Every position ever used: those in use, then removed ones. */
  Slot[] positionsForStats() {
    return positions;
  }

  private Slot newSlot(int index) {
    Slot slot = new Slot(index, config.targetFor(index));
    slot.view = new SlotView(slot);
    return slot;
  }

  /**
   * Adds a channel at the next position (reusing a removed position's slot and counters), built from the full
   * config; picks choose it once it is READY. Returns it, or null if the pool is shut down. Runs on the
   * maintenance thread only.
   *
   * @throws RuntimeException if the channel cannot be built
   */
  PooledChannel addChannel() {
    Slot[] inUse = slots;
    int index = inUse.length;
    Slot[] all = positions;
    Slot slot = index < all.length ? all[index] : newSlot(index);
    PooledChannel pc = newChannel(slot);
    if (pc == null) {
      return null;
    }
    slot.install(pc, false);
    boolean newPosition = index >= all.length;
    if (newPosition) {
      positions = append(all, slot);
    }
    slots = append(inUse, slot);
    // Its READY may have been reported before the slot held it, when the state callback could not join it.
    if (pc.state() == ConnectivityState.READY) {
      slot.join();
    }
    channelsChanged();
    Runnable listener = positionsListener;
    if (newPosition && listener != null) {
      listener.run();
    }
    return pc;
  }

  private static Slot[] append(Slot[] array, Slot slot) {
    Slot[] grown = Arrays.copyOf(array, array.length + 1);
    grown[array.length] = slot;
    return grown;
  }

  /**
   * Takes the last position out of the pool and the pick snapshot, and returns its channel for the caller to
   * retire (picks that read the old snapshot find it retired and pick again). Runs on the maintenance thread
   * only.
   */
  PooledChannel removeLastChannel() {
    Slot[] inUse = slots;
    Slot last = inUse[inUse.length - 1];
    last.remove();
    slots = Arrays.copyOf(inUse, inUse.length - 1);
    channelsChanged();
    return last.current();
  }

  /** Slot {@code index}'s current channel. */
  PooledChannel current(int index) {
    return slots[index].current();
  }

  PoolMaintenance maintenance() {
    return maintenance;
  }

  HealthChecker healthChecker() {
    return healthChecker;
  }

  /**
   * Forgets channels that have terminated and no longer hold a slot (replaced, removed, or built and not swapped
   * in).
   */
  void pruneTerminated() {
    live.removeIf(pc -> !pc.slot.holds(pc) && pc.channel.isTerminated());
  }

  /** Sets the round-robin position to slot {@code index}, to exercise its wrap to slot 0. */
  void setRoundRobinPosition(int index) {
    picker.setPosition(index);
  }

  /** How many channels the pick snapshot holds (a channel added by a resize joins once READY). */
  int pickableChannels() {
    return picker.snapshot().all.length;
  }

  /** The channel the strategy would choose, without counting anything. */
  PooledChannel pickChannel() {
    return picker.pick();
  }

  ChannelPicker picker() {
    return picker;
  }

  /**
   * Hook for metrics: when set, {@code newCall} measures how long the pick took and passes the nanoseconds.
   * Null (the default) costs one volatile read per call.
   */
  void setPickRecorder(LongConsumer pickNanos) {
    this.pickRecorder = pickNanos;
  }

  /** Hook for metrics: runs (on the maintenance thread) when the pool grows to a slot index it never had. */
  void setPositionsListener(Runnable listener) {
    this.positionsListener = listener;
  }

  /** A snapshot of the pool's channels and counters. */
  public PoolStats stats() {
    Slot[] inUse = slots;
    Slot[] all = positions;
    List<PoolStats.ChannelStats> list = new ArrayList<>(inUse.length);
    List<PoolStats.ChannelStats> removed = new ArrayList<>();
    long reconnects = 0;
    for (Slot slot : all) {
      PooledChannel pc = slot.current();
      ConnectivityState state = pc.refreshState();
      PoolStats.ChannelStats c = new PoolStats.ChannelStats(slot.index, slot.target, state,
          healthChecker.healthOf(pc), pc.inFlight(), slot.picks.sum(), slot.callsOk.sum(), slot.callsFailed.sum(),
          slot.callsAbandoned.sum(), slot.replacements(), slot.queuedCalls.sum(),
          Duration.ofNanos(slot.queuedNanos.sum()));
      (slot.index < inUse.length ? list : removed).add(c);
      reconnects += slot.replacements();
    }
    int draining = 0;
    int drainingInFlight = 0;
    for (PooledChannel pc : live) {
      if (pc.isRetired() && !pc.channel.isTerminated()) {
        draining++;
        drainingInFlight += pc.inFlight();
      }
    }
    return new PoolStats(list, removed, reconnects, picker.noHealthyFallbacks(), draining, drainingInFlight,
        maintenance.resizer().stats());
  }

  /** Number of channels now (it changes over time for a pool that sizes itself). */
  public int size() {
    return slots.length;
  }

  public PoolConfig config() {
    return config;
  }

  /** The authority of the first channel (all channels share it unless the config lists several targets). */
  @Override
  public String authority() {
    return slots[0].current().channel.authority();
  }

  // ---------------------------------------------------------------- ManagedChannel state contract

  /**
   * The pool's combined state, from the states gRPC last reported for each channel: SHUTDOWN once shut down,
   * else READY if any channel is, else CONNECTING, IDLE or TRANSIENT_FAILURE in that order. With
   * {@code requestConnection}, every IDLE channel is asked to connect.
   */
  @Override
  public ConnectivityState getState(boolean requestConnection) {
    if (requestConnection && !shutdown) {
      for (Slot slot : slots) {
        slot.current().channel.getState(true);
      }
    }
    return combinedState();
  }

  private ConnectivityState combinedState() {
    if (shutdown) {
      return ConnectivityState.SHUTDOWN;
    }
    boolean connecting = false;
    boolean idle = false;
    for (PooledChannel pc : picker.snapshot().all) {
      ConnectivityState s = pc.state();
      if (s == ConnectivityState.READY) {
        return s;
      }
      connecting |= s == ConnectivityState.CONNECTING;
      idle |= s == ConnectivityState.IDLE;
    }
    return connecting ? ConnectivityState.CONNECTING
        : idle ? ConnectivityState.IDLE : ConnectivityState.TRANSIENT_FAILURE;
  }

  /**
   * Runs {@code callback} once, when {@link #getState} would return something other than {@code source}: at
   * once on this thread if it already would, else on the thread that sees the change (a gRPC callback thread,
   * or the one calling {@link #shutdown()}), so it must be quick. Like a channel's, a watcher fires once; watch
   * again from the callback to follow further changes. Nothing fires after SHUTDOWN.
   */
  @Override
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(callback, "callback");
    synchronized (stateWatchers) {
      if (combinedState() == source) {
        stateWatchers.add(new StateWatcher(source, callback));
        return;
      }
    }
    callback.run();
  }

  private void fireStateWatchers() {
    List<Runnable> due = new ArrayList<>();
    synchronized (stateWatchers) {
      if (stateWatchers.isEmpty()) {
        return;
      }
      ConnectivityState now = combinedState();
      stateWatchers.removeIf(w -> {
        if (w.source() != now) {
          due.add(w.callback());
          return true;
        }
        return false;
      });
    }
    for (Runnable callback : due) {
      try {
        callback.run();
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "ChannelPool state watcher failed", e);
      }
    }
  }

  /** Resets the reconnect backoff of every channel, so those waiting to retry a connection retry now. */
  @Override
  public void resetConnectBackoff() {
    for (Slot slot : slots) {
      slot.current().channel.resetConnectBackoff();
    }
  }

  /**
   * Moves every channel to IDLE, closing its connection once its calls are done; the next call on a channel
   * connects it again.
   */
  @Override
  public void enterIdle() {
    for (Slot slot : slots) {
      slot.current().channel.enterIdle();
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
    for (PooledChannel pc : live) {
      pc.channel.shutdown();
    }
    fireStateWatchers();
    return this;
  }

  /** Like {@link #shutdown()}, and also cancels running calls on every channel. */
  @Override
  public ChannelPool shutdownNow() {
    shutdown();
    for (PooledChannel pc : live) {
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
    for (PooledChannel pc : live) {
      if (!pc.channel.isTerminated()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      if (!maintenance.awaitTermination(deadline - System.nanoTime())) {
        return false;
      }
      for (PooledChannel pc : live) {
        if (!pc.channel.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          return false;
        }
      }
      if (isTerminated()) {
        return true;
      }
      // A reconnect that raced the shutdown listed a channel after the loop passed (newChannel shuts it down at
      // once): go round again for it instead of answering false with time left.
      if (deadline - System.nanoTime() <= 0) {
        return false;
      }
    }
  }

  /**
   * Shuts down, waits up to {@code closeTimeout} for calls in flight to finish, then cancels what is left
   * and waits up to 5 more seconds for termination. Idempotent; when it returns, no thread of the pool is
   * running (unless a channel ignored even the forced shutdown, which is logged). An interrupt skips the
   * graceful wait; the forced wait still happens and the interrupt flag is restored afterwards.
   */
  @Override
  public void close() {
    shutdown();
    boolean interrupted = false;
    try {
      if (awaitTermination(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    shutdownNow();
    long deadline = System.nanoTime() + FORCED_TERMINATION_WAIT_NANOS;
    try {
      while (true) {
        try {
          if (!awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            logger.log(Level.WARNING, "ChannelPool channels did not terminate after shutdownNow");
          }
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "ChannelPool{size=" + slots.length + ", strategy=" + config.pickStrategy() + ", targets="
        + config.targets() + ", shutdown=" + shutdown + '}';
  }
}
