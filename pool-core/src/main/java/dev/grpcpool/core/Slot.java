package dev.grpcpool.core;

import io.grpc.Channel;
import java.util.concurrent.atomic.LongAdder;

/**
 * One position of a {@link ChannelPool}: the channel that holds it now and what is counted about the position
 * over the pool's life, across replacements (picks, calls closed OK or failed or abandoned, calls that waited
 * for a stream and how long, replacements).
 *
 * <p>The channel changes only by {@link #swap}: maintenance builds the replacement, swaps it in, then retires the
 * old one, so a slot in use is never empty. Calls report to their {@link PooledChannel}, which adds to its slot's
 * counters; nothing else writes them.
 *
 * <p>A pool that sizes itself adds and removes positions at the end. A removed position keeps its {@code Slot}
 * and counters (and its last channel, retired); when the pool grows back to that index the same slot is reused
 * with a new channel, so per-position counts never go back and a metric per position stays monotonic.
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
  /** Calls whose headers waited at least {@link QueueWaitTracer#QUEUED_NANOS} before going out. */
  final LongAdder queuedCalls = new LongAdder();
  /** Nanoseconds calls waited between stream creation and their headers going out, summed. */
  final LongAdder queuedNanos = new LongAdder();
  /** Streams whose headers went out (the denominator for {@link #queuedCalls}). */
  final LongAdder streams = new LongAdder();
  /** Counts this position's waits for a stream; added to every call's options. */
  final QueueWaitTracer.Factory queueWait = new QueueWaitTracer.Factory(this);
  /** What {@link ChannelPool#get()} hands out for this slot; set once, when the slot is created. */
  Channel view;
  private volatile PooledChannel current;
  private volatile long replacements;
  /** Whether the position is part of the pool now; false once a resize removed it. */
  private volatile boolean inUse;
  /**
   * Whether the pick snapshot includes the position: from the start for the pool's first channels, from their
   * first READY for channels a resize added, so no call waits on a connection still being set up.
   */
  private volatile boolean joined;

  Slot(int index, String target) {
    this.index = index;
    this.target = target;
  }

  PooledChannel current() {
    return current;
  }

  /**
   * Installs the slot's first channel, or a new one when a resize reuses the position; {@code joined} says
   * whether picks may choose it before it is READY. Called only from the pool's creation or maintenance thread.
   */
  synchronized void install(PooledChannel first, boolean joined) {
    current = first;
    this.joined = joined;
    inUse = true;
  }

  /** Takes the position out of the pool; its channel stays {@link #current()} until it is reused. */
  void remove() {
    inUse = false;
    joined = false;
  }

  boolean inUse() {
    return inUse;
  }

  boolean joined() {
    return joined;
  }

  /** Lets picks choose the position (its channel became READY). */
  void join() {
    joined = true;
  }

  /** Whether {@code pc} holds this position in the pool now (not replaced, not removed). */
  boolean holds(PooledChannel pc) {
    return inUse && current == pc;
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
