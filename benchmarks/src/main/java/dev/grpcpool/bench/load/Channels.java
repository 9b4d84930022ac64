package dev.grpcpool.bench.load;

import dev.grpcpool.core.PickStrategy;
import java.util.Objects;

/**
 * What a load run's calls go through: one plain channel, the baseline a pool must beat, or a
 * {@code ChannelPool} whose calls pick a channel by a {@link PickStrategy}. A single channel is not a fifth
 * strategy: there is no pool to pick from.
 *
 * <p>Instances are immutable and thread-safe.
 */
public sealed interface Channels {

  /** One {@code ManagedChannel}, no pool. */
  static Channels single() {
    return Single.INSTANCE;
  }

  /** A pool whose calls pick a channel by {@code strategy}. */
  static Channels pool(PickStrategy strategy) {
    return new Pool(strategy);
  }

  /** How the run's summary names the choice: the pool's strategy, or {@code SINGLE} for one channel. */
  String summaryName();

  /** One {@code ManagedChannel}, no pool. */
  record Single() implements Channels {
    private static final Single INSTANCE = new Single();

    @Override
    public String summaryName() {
      return "SINGLE";
    }
  }

  /** A {@code ChannelPool} picking by {@code strategy}. */
  record Pool(PickStrategy strategy) implements Channels {
    public Pool {
      Objects.requireNonNull(strategy, "strategy");
    }

    @Override
    public String summaryName() {
      return strategy.name();
    }
  }
}
