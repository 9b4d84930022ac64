package dev.grpcpool.core;

import io.grpc.Channel;
import java.util.concurrent.atomic.LongAdder;

/**
 * One position of a {@link ChannelPool}: the channel that holds it now and what is counted about the position
 * over the pool's life, across replacements (picks, calls closed OK or failed or abandoned, replacements).
 *
 * <p>The channel changes only by {@link #swap}: maintenance builds the replacement, swaps it in, then retires the
 * old one, so a slot is never empty. Calls report to their {@link PooledChannel}, which adds to its slot's
 * counters; nothing else writes them.
 *
 * <p>This class is thread-safe.
 */
final class Slot {

  final int index;
  final String target;
  final LongAdder picks = new LongAdder();
  final LongAdder callsOk = new LongAdder();
  final LongAdder callsFailed = new LongAdder();
  /** Calls created, never started nor cancelled, and then dropped (released by the cleaner). */
  final LongAdder callsAbandoned = new LongAdder();
  /** What {@link ChannelPool#get()} hands out for this slot; set once by the pool's constructor. */
  Channel view;
  private volatile PooledChannel current;
  private volatile long replacements;

  Slot(int index, String target) {
    this.index = index;
    this.target = target;
  }

  PooledChannel current() {
    return current;
  }

  /** Installs the slot's first channel. */
  void install(PooledChannel first) {
    current = first;
  }

  /**
   * Puts {@code fresh} in place of {@code expected}; false if the slot holds another channel by now. Called only
   * from the pool's maintenance thread (or its creation), so a plain compare-then-write is enough.
   */
  synchronized boolean swap(PooledChannel expected, PooledChannel fresh) {
    if (current != expected) {
      return false;
    }
    current = fresh;
    replacements++;
    return true;
  }

  long replacements() {
    return replacements;
  }
}
