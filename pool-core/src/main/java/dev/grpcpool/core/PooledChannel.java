package dev.grpcpool.core;

import dev.grpcpool.core.PoolStats.Health;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One channel of a {@link ChannelPool} and everything the pool tracks about it: its connectivity state (followed
 * with {@code notifyWhenStateChanged}, so nothing on the pick path asks the channel), its last health check
 * result, and its calls. A call talks only to its channel: {@link #retain()} when picked, {@link #started()}
 * once it has started (or failed to), {@link #closed(boolean)} or {@link #abandoned()} exactly once at its end;
 * those add to the {@link Slot}'s lifetime counters too.
 *
 * <p>Two counts per channel: {@code inFlight}, calls from pick until they close; {@code unstarted}, calls picked
 * and not yet started. A retired channel shuts down once {@code unstarted} is zero, because a gRPC channel fails
 * calls started after {@code shutdown()} even if they were created before it. Retiring and retaining race
 * safely: {@link #retain()} raises {@code unstarted} and then reads {@code retired}; {@link #retire} sets
 * {@code retired} and then reads {@code unstarted}; whichever comes second sees the other.
 *
 * <p>This class is thread-safe.
 */
final class PooledChannel {

  final Slot slot;
  final int index;
  final String target;
  final ManagedChannel channel;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger unstarted = new AtomicInteger();
  /** Held while a grpc.health.v1 check runs, so at most one runs per channel. */
  final AtomicBoolean checkRunning = new AtomicBoolean();
  /** Set while a replacement of this channel is scheduled, so health passes do not queue it twice. */
  final AtomicBoolean replacementScheduled = new AtomicBoolean();
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();

  private volatile ConnectivityState state = ConnectivityState.IDLE;
  /**
   * Set on entering TRANSIENT_FAILURE, cleared only by READY: a channel that flips between CONNECTING and
   * TRANSIENT_FAILURE while its backend is down keeps failing, and its grace period keeps running.
   */
  private volatile boolean failing;
  private volatile long failingSinceNanos;
  private volatile Health checkedHealth = Health.UNKNOWN;
  /** Set when the channel has left its slot; it shuts down once no picked call is unstarted. */
  private volatile boolean retired;
  private volatile Runnable onDrained;

  private final Runnable onStateChange = this::onStateChange;
  private volatile Consumer<PooledChannel> stateListener;

  PooledChannel(Slot slot, ManagedChannel channel) {
    this.slot = slot;
    this.index = slot.index;
    this.target = slot.target;
    this.channel = channel;
  }

  // ---------------------------------------------------------------- calls

  /**
   * Counts a picked call: in flight, unstarted and a pick of the slot. False, with nothing counted, if the
   * channel was retired meanwhile (the caller picks again from the new snapshot).
   */
  boolean retain() {
    unstarted.incrementAndGet();
    if (retired) {
      started();
      return false;
    }
    inFlight.incrementAndGet();
    slot.picks.increment();
    return true;
  }

  /** The call has started (or failed to, or was cancelled first): a retired channel may now shut down. */
  void started() {
    if (unstarted.decrementAndGet() == 0 && retired) {
      Runnable drained = onDrained;
      if (drained != null) {
        drained.run();
      }
    }
  }

  /** The call has closed; counted once per retained call. */
  void closed(boolean ok) {
    inFlight.decrementAndGet();
    (ok ? slot.callsOk : slot.callsFailed).increment();
  }

  /**
   * The call was never started nor cancelled and became unreachable: its counts are released without counting
   * it as a closed call.
   */
  void abandoned() {
    inFlight.decrementAndGet();
    slot.callsAbandoned.increment();
    started();
  }

  int inFlight() {
    return inFlight.get();
  }

  int unstarted() {
    return unstarted.get();
  }

  /**
   * Marks the channel as out of its slot; {@code onDrained} runs (on the thread of the last call to start) once
   * no picked call is unstarted, or here at once if none is.
   */
  void retire(Runnable onDrained) {
    this.onDrained = onDrained;
    retired = true;
    if (unstarted.get() == 0) {
      onDrained.run();
    }
  }

  boolean isRetired() {
    return retired;
  }

  // ---------------------------------------------------------------- state and health

  /** Starts connecting and following the channel's state; {@code listener} hears of every change. */
  void startWatching(Consumer<PooledChannel> listener) {
    this.stateListener = listener;
    ConnectivityState current = channel.getState(true);
    observe(current);
    if (current != ConnectivityState.SHUTDOWN) {
      channel.notifyWhenStateChanged(current, onStateChange);
    }
  }

  private void onStateChange() {
    ConnectivityState current = channel.getState(false);
    observe(current);
    Consumer<PooledChannel> listener = stateListener;
    if (listener != null) {
      listener.accept(this);
    }
    if (current != ConnectivityState.SHUTDOWN) {
      channel.notifyWhenStateChanged(current, onStateChange);
    }
  }

  /** Records a state read from the channel; remembers when its current run of failures began. */
  void observe(ConnectivityState current) {
    if (current == ConnectivityState.TRANSIENT_FAILURE) {
      if (!failing) {
        failingSinceNanos = System.nanoTime();
        failing = true;
      }
    } else if (current == ConnectivityState.READY) {
      failing = false;
    }
    state = current;
  }

  /** The cached state: one volatile read, no call into the channel. */
  ConnectivityState state() {
    return state;
  }

  /** Re-reads the channel's state, updates the cache and returns it. */
  ConnectivityState refreshState() {
    ConnectivityState current = channel.getState(false);
    observe(current);
    return current;
  }

  /** Whether the channel has been in TRANSIENT_FAILURE and not READY since (CONNECTING retries count). */
  boolean isFailing() {
    ConnectivityState s = state;
    return failing && (s == ConnectivityState.TRANSIENT_FAILURE || s == ConnectivityState.CONNECTING);
  }

  /** When the current run of failures began; meaningful only while {@link #isFailing()}. */
  long failingSinceNanos() {
    return failingSinceNanos;
  }

  Health checkedHealth() {
    return checkedHealth;
  }

  /** Records a health check's answer; true if it differs from the previous one. */
  boolean checkedHealth(Health health) {
    Health before = checkedHealth;
    checkedHealth = health;
    return before != health;
  }

  /** Shuts the channel down gracefully, once; returns whether this call did it. */
  boolean shutdownOnce() {
    if (shutdownStarted.compareAndSet(false, true)) {
      channel.shutdown();
      return true;
    }
    return false;
  }

  @Override
  public String toString() {
    return "PooledChannel{index=" + index + ", target=" + target + ", state=" + state
        + ", inFlight=" + inFlight.get() + ", retired=" + retired + '}';
  }
}
