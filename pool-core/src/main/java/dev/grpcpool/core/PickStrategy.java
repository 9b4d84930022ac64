package dev.grpcpool.core;

/**
 * How a {@link ChannelPool} chooses the channel for the next call.
 *
 * <p>Every strategy reads an immutable snapshot of the channels, rebuilt when a channel's state or health
 * changes; no pick takes a lock, allocates or calls into gRPC. Calls are counted in flight from the moment they
 * are picked (not from {@code start}), so a burst of new calls sees the calls picked just before it and does
 * not herd onto one channel.
 */
public enum PickStrategy {
  /** Rotate over the channels in order, whatever their state. Cheapest; a dead channel keeps its share. */
  ROUND_ROBIN,
  /**
   * Rotate over the channels that are READY or IDLE and, with a health service configured, whose last
   * grpc.health.v1 answer was not a failure. When none qualifies, rotate over every channel not shut down,
   * and count it in {@link PoolStats#noHealthyFallbacks()}.
   */
  HEALTHY_FIRST,
  /**
   * Of the channels not in TRANSIENT_FAILURE (all of them if every one is), the one with the fewest calls in
   * flight; ties go to the first from the round-robin start.
   */
  LEAST_IN_FLIGHT,
  /**
   * Of the channels not in TRANSIENT_FAILURE (all of them if every one is), two drawn at random; the one with
   * fewer calls in flight wins: near-least load at O(1) cost.
   */
  POWER_OF_TWO_CHOICES
}
