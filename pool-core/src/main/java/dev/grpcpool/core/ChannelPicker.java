package dev.grpcpool.core;

import dev.grpcpool.core.PoolStats.Health;
import io.grpc.ConnectivityState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The pick strategies of a {@link ChannelPool}. A pick reads one immutable {@link Snapshot} of the channels it
 * may choose from, their in-flight counts, and one round-robin position; it never calls into gRPC. The
 * snapshot is rebuilt by {@link #rebuild} whenever a channel's state or health result changes or a slot gets a
 * new channel (as grpc-java's round-robin balancer rebuilds its picker of READY subchannels).
 *
 * <p>Which channels each strategy chooses from:
 * <ul>
 *   <li>ROUND_ROBIN: every slot's channel, whatever its state (the article's {@code get()}), except a channel a
 *       resize added that has not yet been READY;
 *   <li>HEALTHY_FIRST: channels READY or IDLE and, with a health service, not answering other than SERVING;
 *       when there are none, every channel not shut down, and the pick is counted as a fallback;
 *   <li>LEAST_IN_FLIGHT and POWER_OF_TWO_CHOICES: channels not in TRANSIENT_FAILURE or SHUTDOWN (such a channel
 *       fails calls fast, so its in-flight count stays low and would otherwise attract every call); every channel
 *       when all are failing.
 * </ul>
 *
 * <p>No lock, no allocation and no division on any pick: an integer division costs 10 to 40 cycles and its cost
 * differs several-fold between CPU generations, as much as the rest of a pick. The round-robin position holds
 * the index itself and wraps to 0 by a comparison; random indices are drawn by multiplying a random int by the
 * bound and keeping the high half (Lemire's multiply-shift; its bias is below bound / 2^32).
 *
 * <p>The round-robin position is striped by thread: one shared counter would be written by every core on every
 * pick, and that cache line bouncing between cores costs tens of nanoseconds per pick at two threads — as much
 * as the pick itself many times over. Each thread (by id, so the threads of one executor land on distinct
 * stripes) advances its own counter on its own cache line; every thread therefore cycles through all channels
 * in order, and the stripes start at different offsets so that many threads' first calls do not all land on
 * channel 0. The counters are plain ints updated without atomics: two threads that share a stripe can lose an
 * increment, which only sends one more call to the same channel — cheaper than making every pick atomic. Every
 * value ever stored is below the largest snapshot's length, and a pick wraps any value not below its own
 * array's length, so a race or a smaller snapshot cannot produce an index out of range. That is also what makes
 * resizing safe: a pool that sizes itself publishes snapshots of changing length, and a position left beyond a
 * shrunk snapshot wraps to 0 on its next pick.
 *
 * <p>This class is thread-safe.
 */
final class ChannelPicker {

  /** Thread stripes of the round-robin position; a power of two. */
  private static final int STRIPES = 16;
  /** Ints between two stripes' counters: 128 bytes, so neighbours never share a cache line (or its prefetch pair). */
  private static final int STRIDE = 32;
  /**
   * Index of stripe 0's counter: one stride in, so that no counter shares a cache line with the array's header,
   * whose length every pick's bounds check reads.
   */
  private static final int FIRST = STRIDE;

  private final PickStrategy strategy;
  private final boolean healthChecked;
  private final int[] positions = new int[FIRST + STRIPES * STRIDE];
  private final LongAdder noHealthyFallbacks = new LongAdder();
  private volatile Snapshot snapshot;
  /**
   * The snapshot's {@code all}, published with it: a round-robin pick reads it in one load instead of two
   * dependent ones (the snapshot, then its array).
   */
  private volatile PooledChannel[] all;

  /**
   * The channels a pick may choose from, fixed at one moment. {@code all} holds the channel of every slot in use
   * that has joined, in index order (every slot of a fixed-size pool; never fewer than {@code minSize}, whose
   * slots join from the start); the other arrays are subsets in index order, never empty.
   */
  static final class Snapshot {
    final PooledChannel[] all;
    final PooledChannel[] healthy;
    final boolean healthyIsFallback;
    final PooledChannel[] notFailing;

    private Snapshot(PooledChannel[] all, PooledChannel[] healthy, boolean healthyIsFallback,
        PooledChannel[] notFailing) {
      this.all = all;
      this.healthy = healthy;
      this.healthyIsFallback = healthyIsFallback;
      this.notFailing = notFailing;
    }
  }

  ChannelPicker(PickStrategy strategy, boolean healthChecked, int size) {
    this.strategy = strategy;
    this.healthChecked = healthChecked;
    for (int k = 0; k < STRIPES; k++) {
      // The stripe's first pick returns index k mod size (the division runs once, here).
      positions[FIRST + k * STRIDE] = (k + size - 1) % size;
    }
  }

  /**
   * Rebuilds the snapshot from the slots in use now that have joined (a channel added by a resize joins when
   * READY), their current channels and cached states and health. Synchronized, and the slots are read inside
   * the lock, so that rebuilds triggered together publish in order: each reads the slots and states after the
   * change that triggered it, so the last one published is up to date.
   */
  synchronized void rebuild(Supplier<Slot[]> slotsNow) {
    Slot[] slots = slotsNow.get();
    List<PooledChannel> joined = new ArrayList<>(slots.length);
    List<PooledChannel> healthy = new ArrayList<>(slots.length);
    List<PooledChannel> notShutdown = new ArrayList<>(slots.length);
    List<PooledChannel> notFailing = new ArrayList<>(slots.length);
    for (Slot slot : slots) {
      if (!slot.joined()) {
        continue;
      }
      PooledChannel pc = slot.current();
      joined.add(pc);
      ConnectivityState s = pc.state();
      if (s != ConnectivityState.SHUTDOWN) {
        notShutdown.add(pc);
      }
      if (s != ConnectivityState.SHUTDOWN && s != ConnectivityState.TRANSIENT_FAILURE) {
        notFailing.add(pc);
      }
      if (isHealthy(pc, healthChecked)) {
        healthy.add(pc);
      }
    }
    PooledChannel[] all = joined.toArray(new PooledChannel[0]);
    boolean fallback = healthy.isEmpty();
    PooledChannel[] healthyArray = fallback
        ? (notShutdown.isEmpty() ? all : notShutdown.toArray(new PooledChannel[0]))
        : healthy.toArray(new PooledChannel[0]);
    PooledChannel[] notFailingArray = notFailing.isEmpty() ? all : notFailing.toArray(new PooledChannel[0]);
    snapshot = new Snapshot(all, healthyArray, fallback, notFailingArray);
    this.all = all;
  }

  /** READY or IDLE and, with a health service, not answering other than SERVING. */
  static boolean isHealthy(PooledChannel pc, boolean healthChecked) {
    ConnectivityState s = pc.state();
    return (s == ConnectivityState.READY || s == ConnectivityState.IDLE)
        && !(healthChecked && pc.checkedHealth() == Health.UNHEALTHY);
  }

  Snapshot snapshot() {
    return snapshot;
  }

  /** The channel the configured strategy chooses. */
  PooledChannel pick() {
    if (strategy == PickStrategy.ROUND_ROBIN) {
      return roundRobin(all);
    }
    Snapshot s = snapshot;
    switch (strategy) {
      case HEALTHY_FIRST:
        return healthy(s);
      case LEAST_IN_FLIGHT:
        return leastInFlight(s.notFailing);
      case POWER_OF_TWO_CHOICES:
        return powerOfTwo(s.notFailing);
      case ROUND_ROBIN:
      default:
        return roundRobin(s.all);
    }
  }

  /** The next channel in round-robin order, whatever its state. */
  PooledChannel roundRobin() {
    return roundRobin(all);
  }

  /** The next healthy channel in round-robin order (see the class comment for what counts as healthy). */
  PooledChannel healthy() {
    return healthy(snapshot);
  }

  private PooledChannel healthy(Snapshot s) {
    if (s.healthyIsFallback) {
      noHealthyFallbacks.increment();
    }
    return roundRobin(s.healthy);
  }

  private PooledChannel roundRobin(PooledChannel[] channels) {
    return channels[nextPosition(channels.length)];
  }

  /**
   * Advances this thread's stripe and returns the new position below {@code length}. A stripe holds the index it
   * returned last.
   */
  private int nextPosition(int length) {
    int at = FIRST + ((int) Thread.currentThread().getId() & (STRIPES - 1)) * STRIDE;
    int n = positions[at] + 1;
    if (n >= length) {
      n = 0;
    }
    positions[at] = n;
    return n;
  }

  /** The channel with the fewest calls in flight; ties go to the first from the round-robin start. */
  private PooledChannel leastInFlight(PooledChannel[] channels) {
    int length = channels.length;
    int start = nextPosition(length);
    PooledChannel best = channels[start];
    int bestLoad = best.inFlight();
    for (int k = 1; k < length && bestLoad > 0; k++) {
      int i = start + k;
      PooledChannel pc = channels[i >= length ? i - length : i];
      int load = pc.inFlight();
      if (load < bestLoad) {
        best = pc;
        bestLoad = load;
      }
    }
    return best;
  }

  /** The less loaded of two distinct random channels. */
  private static PooledChannel powerOfTwo(PooledChannel[] channels) {
    int length = channels.length;
    if (length == 1) {
      return channels[0];
    }
    // One draw for both choices: each draw is a read-modify-write of the thread's seed, and consecutive picks
    // wait on each other's write.
    long r = ThreadLocalRandom.current().nextLong();
    int a = below((int) r, length);
    int b = below((int) (r >>> 32), length - 1);
    // b skips over a: +1 when b >= a. Written without branches: random indices make any branch here a coin
    // toss for the CPU's predictor, and a mispredicted branch costs more than the rest of the pick.
    b += (a - b - 1) >>> 31;
    long la = channels[a].inFlight();
    long lb = channels[b].inFlight();
    int bLess = (int) ((lb - la) >>> 63);
    return channels[a + (b - a) * bLess];
  }

  /**
   * Maps a uniformly random int onto {@code 0..bound-1} without a division ({@code nextInt(bound)} uses
   * {@code %} for a bound that is not a power of two).
   */
  static int below(int random, int bound) {
    return (int) ((Integer.toUnsignedLong(random) * bound) >>> 32);
  }

  long noHealthyFallbacks() {
    return noHealthyFallbacks.sum();
  }

  /** Sets every stripe's round-robin position to {@code index} (the next pick returns the channel after it). */
  void setPosition(int index) {
    int size = snapshot.all.length;
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("position must be a slot index in 0.." + (size - 1) + ", was " + index);
    }
    for (int k = 0; k < STRIPES; k++) {
      positions[FIRST + k * STRIDE] = index;
    }
  }
}
