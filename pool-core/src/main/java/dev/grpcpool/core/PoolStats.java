package dev.grpcpool.core;

import io.grpc.ConnectivityState;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * A snapshot of a {@link ChannelPool}: per slot its channel's state, health and calls in flight, and the calls
 * counted on the slot over the pool's life; pool-wide the channels replaced, the picks that found no healthy
 * channel, the replaced or removed channels still draining with their calls, and how the pool sized itself.
 *
 * <p>Counts are read one after another without a lock, so a snapshot taken under load is close to, not
 * exactly, one instant. Cumulative counts run from the pool's creation. The pool-wide sums ({@link #picks()},
 * {@link #callsOk()}, …) include positions a resize removed, so they never go back when the pool shrinks.
 *
 * @param channels per slot in use, in index order (their number is the pool's size now)
 * @param removed positions a resize removed, in index order: their counters over the pool's life and their last
 *     channel's state (draining until SHUTDOWN); a later growth reuses them with their counters
 * @param reconnects channels replaced so far (failed, shut down or aged out)
 * @param noHealthyFallbacks picks by HEALTHY_FIRST (or {@code getHealthy()} views) that found no healthy channel
 *     and chose among all channels not shut down
 * @param draining replaced channels not yet terminated
 * @param drainingInFlight calls still running on those replaced channels
 * @param sizing the size bounds and resizes so far
 */
public record PoolStats(List<ChannelStats> channels, List<ChannelStats> removed, long reconnects,
    long noHealthyFallbacks, int draining, int drainingInFlight, Sizing sizing) {

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
   * @param queuedCalls calls whose headers waited 1 ms or more for a stream on their connection (the server's
   *     {@code MAX_CONCURRENT_STREAMS} reached) before going out
   * @param queuedTime how long all calls on the slot waited between their stream's creation and their headers
   *     going out, summed
   */
  public record ChannelStats(int index, String target, ConnectivityState state, Health health, int inFlight,
      long picks, long callsOk, long callsFailed, long callsAbandoned, long replacements, long queuedCalls,
      Duration queuedTime) {
    public ChannelStats {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(health, "health");
      Objects.requireNonNull(queuedTime, "queuedTime");
    }

    @Override
    public String toString() {
      return "#" + index + " " + target + " " + state + " " + health + " inFlight=" + inFlight
          + " picks=" + picks + " ok=" + callsOk + " failed=" + callsFailed + " abandoned=" + callsAbandoned
          + " replacements=" + replacements + " queued=" + queuedCalls + "/" + PoolConfig.format(queuedTime);
    }
  }

  /** Why a pool that sizes itself resized. */
  public enum ResizeReason {
    /** Calls waited for a stream on their connection: grown. */
    CALLS_QUEUED,
    /** Calls in flight per channel were above the band: grown. */
    ABOVE_BAND,
    /** Calls in flight per channel were below the band, and none waited: shrunk. */
    BELOW_BAND
  }

  /**
   * How a pool sizes itself. For a fixed size, {@code minSize == maxSize == target} and nothing resizes.
   *
   * @param minSize fewest channels
   * @param maxSize most channels
   * @param target the size the last resize decision aimed for (the pool moves towards it by at most
   *     {@link PoolConfig#maxResizeStep()} channels per interval)
   * @param grownForQueuing resizes that added channels because calls waited for a stream
   * @param grownAboveBand resizes that added channels because calls per channel were above the band
   * @param shrunkBelowBand resizes that removed channels because calls per channel were below the band
   * @param channelsAdded channels added by resizes
   * @param channelsRemoved channels removed by resizes
   */
  public record Sizing(int minSize, int maxSize, int target, long grownForQueuing, long grownAboveBand,
      long shrunkBelowBand, long channelsAdded, long channelsRemoved) {

    /** Resizes that added channels, for any reason. */
    public long resizesUp() {
      return grownForQueuing + grownAboveBand;
    }

    /** Resizes that removed channels. */
    public long resizesDown() {
      return shrunkBelowBand;
    }

    /** Resizes for {@code reason}. */
    public long resizes(ResizeReason reason) {
      switch (reason) {
        case CALLS_QUEUED:
          return grownForQueuing;
        case ABOVE_BAND:
          return grownAboveBand;
        case BELOW_BAND:
          return shrunkBelowBand;
        default:
          throw new AssertionError(reason);
      }
    }
  }

  public PoolStats {
    channels = List.copyOf(channels);
    removed = List.copyOf(removed);
    Objects.requireNonNull(sizing, "sizing");
  }

  /** The position {@code index}, in use or removed; empty if the pool never had it. */
  public Optional<ChannelStats> position(int index) {
    List<ChannelStats> list = index < channels.size() ? channels : removed;
    for (ChannelStats c : list) {
      if (c.index() == index) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
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
    return drainingInFlight + (int) sum(channels, ChannelStats::inFlight);
  }

  /** Picks over all slots, removed ones included. */
  public long picks() {
    return lifetime(ChannelStats::picks);
  }

  /** Calls closed with OK over all slots, removed ones included. */
  public long callsOk() {
    return lifetime(ChannelStats::callsOk);
  }

  /** Calls closed with another status or cancelled, over all slots, removed ones included. */
  public long callsFailed() {
    return lifetime(ChannelStats::callsFailed);
  }

  /** Calls dropped unstarted, over all slots, removed ones included. */
  public long callsAbandoned() {
    return lifetime(ChannelStats::callsAbandoned);
  }

  /** Calls that waited for a stream, over all slots, removed ones included. */
  public long queuedCalls() {
    return lifetime(ChannelStats::queuedCalls);
  }

  /** A count over the pool's life: the slots in use and the removed ones. */
  private long lifetime(ToLongFunction<ChannelStats> count) {
    return sum(channels, count) + sum(removed, count);
  }

  private static long sum(List<ChannelStats> list, ToLongFunction<ChannelStats> count) {
    long sum = 0;
    for (ChannelStats c : list) {
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
        + ", draining=" + draining + ", drainingInFlight=" + drainingInFlight + ", sizing=" + sizing
        + ", channels=" + channels + ", removed=" + removed + '}';
  }
}
