package dev.grpcpool.core;

import io.grpc.ConnectivityState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a {@link ChannelPool}: how many channels are in each connectivity state and health, how many
 * were replaced, and per channel its state, calls in flight, picks and completed calls.
 *
 * <p>Counts are read one after another without a lock, so a snapshot taken under load is close to, not
 * exactly, one instant. Counters are cumulative since the pool was created.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class PoolStats {

  /**
   * One channel slot of the pool. Picks and completed calls count over the slot's lifetime, across
   * replacements; state, health and in-flight are those of the slot's current channel.
   *
   * <p>Immutable and thread-safe.
   */
  public static final class ChannelStats {
    private final int index;
    private final String target;
    private final ConnectivityState state;
    private final HealthChecker.Health health;
    private final int inFlight;
    private final long picks;
    private final long callsOk;
    private final long callsFailed;

    ChannelStats(int index, String target, ConnectivityState state, HealthChecker.Health health,
        int inFlight, long picks, long callsOk, long callsFailed) {
      this.index = index;
      this.target = Objects.requireNonNull(target, "target");
      this.state = Objects.requireNonNull(state, "state");
      this.health = Objects.requireNonNull(health, "health");
      this.inFlight = inFlight;
      this.picks = picks;
      this.callsOk = callsOk;
      this.callsFailed = callsFailed;
    }

    public int index() {
      return index;
    }

    public String target() {
      return target;
    }

    public ConnectivityState state() {
      return state;
    }

    public HealthChecker.Health health() {
      return health;
    }

    /** Calls picked for this channel and not yet closed (including picked but not started). */
    public int inFlight() {
      return inFlight;
    }

    /** Calls through the pool that picked this slot ({@code pick}, {@code get} and {@code getHealthy} are not counted). */
    public long picks() {
      return picks;
    }

    /** Calls through the pool on this slot that closed with OK. */
    public long callsOk() {
      return callsOk;
    }

    /** Calls through the pool on this slot that closed with any other status, or were cancelled. */
    public long callsFailed() {
      return callsFailed;
    }

    @Override
    public String toString() {
      return "#" + index + " " + target + " " + state + " " + health + " inFlight=" + inFlight
          + " picks=" + picks + " ok=" + callsOk + " failed=" + callsFailed;
    }
  }

  private final List<ChannelStats> channels;
  private final long reconnects;
  private final long noHealthyFallbacks;
  private final int draining;
  private final int[] byState = new int[ConnectivityState.values().length];
  private final int[] byHealth = new int[HealthChecker.Health.values().length];

  PoolStats(List<ChannelStats> channels, long reconnects, long noHealthyFallbacks, int draining) {
    this.channels = Collections.unmodifiableList(new ArrayList<>(channels));
    this.reconnects = reconnects;
    this.noHealthyFallbacks = noHealthyFallbacks;
    this.draining = draining;
    for (ChannelStats c : this.channels) {
      byState[c.state().ordinal()]++;
      byHealth[c.health().ordinal()]++;
    }
  }

  public int total() {
    return channels.size();
  }

  public int ready() {
    return byState[ConnectivityState.READY.ordinal()];
  }

  public int connecting() {
    return byState[ConnectivityState.CONNECTING.ordinal()];
  }

  public int idle() {
    return byState[ConnectivityState.IDLE.ordinal()];
  }

  public int transientFailure() {
    return byState[ConnectivityState.TRANSIENT_FAILURE.ordinal()];
  }

  public int shutdown() {
    return byState[ConnectivityState.SHUTDOWN.ordinal()];
  }

  public int healthy() {
    return byHealth[HealthChecker.Health.HEALTHY.ordinal()];
  }

  public int unhealthy() {
    return byHealth[HealthChecker.Health.UNHEALTHY.ordinal()];
  }

  public int unknown() {
    return byHealth[HealthChecker.Health.UNKNOWN.ordinal()];
  }

  /** Channels replaced so far (failed, shut down or aged out). */
  public long reconnects() {
    return reconnects;
  }

  /** Times {@code getHealthy} (or HEALTHY_FIRST) found no healthy channel and fell back to round robin. */
  public long noHealthyFallbacks() {
    return noHealthyFallbacks;
  }

  /** Replaced channels still finishing their calls before they terminate. */
  public int draining() {
    return draining;
  }

  /** Calls in flight over all channels. */
  public int inFlight() {
    int sum = 0;
    for (ChannelStats c : channels) {
      sum += c.inFlight();
    }
    return sum;
  }

  /** Per channel, in index order. */
  public List<ChannelStats> channels() {
    return channels;
  }

  @Override
  public String toString() {
    return "PoolStats{total=" + total() + ", ready=" + ready() + ", connecting=" + connecting()
        + ", idle=" + idle() + ", transientFailure=" + transientFailure() + ", shutdown=" + shutdown()
        + ", healthy=" + healthy() + ", unhealthy=" + unhealthy() + ", unknown=" + unknown()
        + ", reconnects=" + reconnects + ", noHealthyFallbacks=" + noHealthyFallbacks
        + ", draining=" + draining + ", channels=" + channels + '}';
  }
}
