package dev.grpcpool.core;

import java.util.function.Supplier;

/**
 * Access to a {@link ChannelPool}'s pick for this project's benchmarks and tests: not part of the API an
 * application uses, and may change in any release. (The pattern is grpc-java's {@code Internal*} classes.)
 *
 * <p>What a pick costs can only be measured apart from a call: a call through the pool also counts itself,
 * and creating it costs far more than choosing. {@link #pick} runs exactly the configured strategy's choice
 * and returns an opaque token for what it chose (for a benchmark to consume), without counting a call and
 * without handing out the channel.
 *
 * <p>Thread-safe.
 */
public final class InternalChannelPool {

  private InternalChannelPool() {}

  /**
   * Chooses as {@code newCall} would, lock-free and allocation-free, and returns an opaque token of the choice
   * that has no use but to be consumed; counts no call (a HEALTHY_FIRST fallback is counted, as for a call).
   */
  public static Object pick(ChannelPool pool) {
    return pool.pickChannel();
  }

  /**
   * The pool's choice as a function bound to its picker once: each {@code get()} runs what {@link #pick} runs,
   * without reading which picker the pool has. A benchmark measures the choice through it as it measures any other
   * pool's {@code getChannel()}, through a reference bound to the object that chooses.
   */
  public static Supplier<Object> picker(ChannelPool pool) {
    return pool.picker()::pick;
  }
}
