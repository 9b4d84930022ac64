package dev.grpcpool.bench.load;

import dev.grpcpool.core.PickStrategy;

/** How a load run reaches its target: one plain channel, or a {@code ChannelPool} with a pick strategy. */
public enum Strategy {
  /** One {@code ManagedChannel}, no pool: the baseline a pool must beat. */
  SINGLE(null),
  ROUND_ROBIN(PickStrategy.ROUND_ROBIN),
  HEALTHY_FIRST(PickStrategy.HEALTHY_FIRST),
  LEAST_IN_FLIGHT(PickStrategy.LEAST_IN_FLIGHT),
  POWER_OF_TWO_CHOICES(PickStrategy.POWER_OF_TWO_CHOICES);

  private final PickStrategy pick;

  Strategy(PickStrategy pick) {
    this.pick = pick;
  }

  /** The pool's pick strategy; null for {@link #SINGLE}. */
  public PickStrategy pickStrategy() {
    return pick;
  }
}
