package dev.grpcpool.core;

/**
 * How a {@link ChannelPool} chooses the channel for the next call.
 *
 * <p>Every strategy is lock-free and allocation-free on the path that returns a READY channel. Calls are
 * counted in flight from the moment they are picked (not from {@code start}), so a burst of new calls sees
 * the calls picked just before it and does not herd onto one channel.
 */
public enum PickStrategy {
  /** Rotate over the channels in order, whatever their state. Cheapest; a dead channel keeps its share. */
  ROUND_ROBIN,
  /**
   * The first READY or IDLE channel from the round-robin start (an IDLE one is asked to connect); with a
   * health service configured, channels whose last grpc.health.v1 check failed are skipped too. Falls back
   * to the round-robin choice when none qualifies, and counts that in {@link PoolStats#noHealthyFallbacks()}.
   */
  HEALTHY_FIRST,
  /** The channel with the fewest calls in flight; ties go to the first from the round-robin start. */
  LEAST_IN_FLIGHT,
  /** Two channels drawn at random, the one with fewer calls in flight wins: near-least load, O(1) cost. */
  POWER_OF_TWO_CHOICES
}
