package dev.grpcpool.core;

import io.grpc.ConnectivityState;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * A snapshot of a {@link ChannelPool}: per slot its channel's state, health and calls in flight, and the calls
 * counted on the slot over the pool's life; pool-wide the channels replaced, the picks that found no healthy
 * channel, and the replaced channels still draining with their calls.
 *
 * <p>Counts are read one after another without a lock, so a snapshot taken under load is close to, not
 * exactly, one instant. Cumulative counts run from the pool's creation.
 *
 * @param channels per slot, in index order
 * @param reconnects channels replaced so far (failed, shut down or aged out)
 * @param noHealthyFallbacks picks by HEALTHY_FIRST (or {@code getHealthy()} views) that found no healthy channel
 *     and chose among all channels not shut down
 * @param draining replaced channels not yet terminated
 * @param drainingInFlight calls still running on those replaced channels
 */
public record PoolStats(
    List<ChannelStats> channels, long reconnects, long noHealthyFallbacks, int draining, int drainingInFlight) {

  /**
   * Health of a channel: from its connectivity state alone, or with a health service configured, from its
   * last grpc.health.v1 answer as well. TRANSIENT_FAILURE and SHUTDOWN are UNHEALTHY whatever a check said.
   * Without a health service READY is HEALTHY, IDLE and CONNECTING UNKNOWN; with one, a channel is UNKNOWN
   * until its first answer, HEALTHY for SERVING, UNHEALTHY for any other answer or a failed check, and UNKNOWN
   * again if the server has no health service (UNIMPLEMENTED).
   */
  public enum Health { HEALTHY, UNHEALTHY, UNKNOWN }

  /**
   * One slot of the pool. State, health and in-flight are those of the slot's current channel; picks and closed
   * calls count over the slot's life, across replacements.
   *
   * @param inFlight calls picked on the current channel and not yet closed (including picked but not started)
   * @param picks calls through the pool that picked this slot (calls on a {@code get()} view included)
   * @param callsOk calls that closed with OK
   * @param callsFailed calls that closed with any other status, or were cancelled
   * @param callsAbandoned calls created, then dropped without {@code start} or {@code cancel}; released once the
   *     garbage collector found them unreachable
   * @param replacements times the slot got a new channel
   */
  public record ChannelStats(int index, String target, ConnectivityState state, Health health, int inFlight,
      long picks, long callsOk, long callsFailed, long callsAbandoned, long replacements) {
    public ChannelStats {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(health, "health");
    }

    @Override
    public String toString() {
      return "#" + index + " " + target + " " + state + " " + health + " inFlight=" + inFlight
          + " picks=" + picks + " ok=" + callsOk + " failed=" + callsFailed + " abandoned=" + callsAbandoned
          + " replacements=" + replacements;
    }
  }

  public PoolStats {
    channels = List.copyOf(channels);
  }

  public int total() {
    return channels.size();
  }

  public int ready() {
    return count(ConnectivityState.READY);
  }

  public int connecting() {
    return count(ConnectivityState.CONNECTING);
  }

  public int idle() {
    return count(ConnectivityState.IDLE);
  }

  public int transientFailure() {
    return count(ConnectivityState.TRANSIENT_FAILURE);
  }

  public int shutdown() {
    return count(ConnectivityState.SHUTDOWN);
  }

  public int healthy() {
    return count(Health.HEALTHY);
  }

  public int unhealthy() {
    return count(Health.UNHEALTHY);
  }

  public int unknown() {
    return count(Health.UNKNOWN);
  }

  /** Calls in flight on every channel, replaced ones still draining included. */
  public int inFlight() {
    return drainingInFlight + (int) sum(ChannelStats::inFlight);
  }

  /** Picks over all slots. */
  public long picks() {
    return sum(ChannelStats::picks);
  }

  /** Calls closed with OK over all slots. */
  public long callsOk() {
    return sum(ChannelStats::callsOk);
  }

  /** Calls closed with another status or cancelled, over all slots. */
  public long callsFailed() {
    return sum(ChannelStats::callsFailed);
  }

  /** Calls dropped unstarted, over all slots. */
  public long callsAbandoned() {
    return sum(ChannelStats::callsAbandoned);
  }

  private long sum(ToLongFunction<ChannelStats> count) {
    long sum = 0;
    for (ChannelStats c : channels) {
      sum += count.applyAsLong(c);
    }
    return sum;
  }

  private int count(ConnectivityState state) {
    int n = 0;
    for (ChannelStats c : channels) {
      n += c.state() == state ? 1 : 0;
    }
    return n;
  }

  private int count(Health health) {
    int n = 0;
    for (ChannelStats c : channels) {
      n += c.health() == health ? 1 : 0;
    }
    return n;
  }

  @Override
  public String toString() {
    return "PoolStats{total=" + total() + ", ready=" + ready() + ", connecting=" + connecting()
        + ", idle=" + idle() + ", transientFailure=" + transientFailure() + ", shutdown=" + shutdown()
        + ", healthy=" + healthy() + ", unhealthy=" + unhealthy() + ", unknown=" + unknown()
        + ", inFlight=" + inFlight() + ", reconnects=" + reconnects + ", noHealthyFallbacks=" + noHealthyFallbacks
        + ", draining=" + draining + ", drainingInFlight=" + drainingInFlight + ", channels=" + channels + '}';
  }
}
