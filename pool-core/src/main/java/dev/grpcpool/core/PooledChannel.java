package dev.grpcpool.core;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One channel of a {@link ChannelPool} with what the pool tracks about it: its connectivity state (followed
 * with {@code notifyWhenStateChanged} so picks read a volatile instead of asking the channel), its last health
 * check result and its calls in flight.
 *
 * <p>Two counters per channel: {@code inFlight} counts calls from pick until they close; {@code unstarted}
 * counts calls picked but not yet started. A replaced channel is only shut down once {@code unstarted} is zero,
 * because a gRPC channel fails calls started after {@code shutdown()} even if they were created before it.
 *
 * <p>This class is thread-safe.
 */
final class PooledChannel {

  final int index;
  final String target;
  final ManagedChannel channel;
  /** Calls picked and not yet closed. Read by LEAST_IN_FLIGHT and POWER_OF_TWO_CHOICES. */
  final AtomicInteger inFlight = new AtomicInteger();
  /** Calls picked and not yet started (or cancelled). Gates the graceful shutdown of a retired channel. */
  final AtomicInteger unstarted = new AtomicInteger();
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
  private volatile HealthChecker.Health checkedHealth = HealthChecker.Health.UNKNOWN;
  /** Set when the channel has left the pool and waits for its unstarted calls before shutting down. */
  private volatile boolean retired;

  private final Runnable onStateChange = this::onStateChange;
  private volatile Consumer<PooledChannel> stateListener;

  PooledChannel(int index, String target, ManagedChannel channel) {
    this.index = index;
    this.target = target;
    this.channel = channel;
  }

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

  HealthChecker.Health checkedHealth() {
    return checkedHealth;
  }

  void checkedHealth(HealthChecker.Health health) {
    this.checkedHealth = health;
  }

  boolean isRetired() {
    return retired;
  }

  void markRetired() {
    retired = true;
  }

  /** Shuts the channel down gracefully, once; returns whether this call did it. */
  boolean shutdownOnce() {
    if (shutdownStarted.compareAndSet(false, true)) {
      channel.shutdown();
      return true;
    }
    return false;
  }

  /** Asks an IDLE channel to connect, so the call about to use it does not wait for that alone. */
  void requestConnection() {
    channel.getState(true);
  }

  @Override
  public String toString() {
    return "PooledChannel{index=" + index + ", target=" + target + ", state=" + state
        + ", inFlight=" + inFlight.get() + ", retired=" + retired + '}';
  }
}
