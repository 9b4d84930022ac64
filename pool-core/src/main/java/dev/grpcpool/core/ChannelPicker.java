package dev.grpcpool.core;

import io.grpc.ConnectivityState;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pick strategies of a {@link ChannelPool}: each returns a slot index, reading only the slot array,
 * each channel's cached state and in-flight count, and one shared round-robin position.
 *
 * <p>No lock and no allocation on any path that ends at a READY channel (asking an IDLE channel to connect
 * allocates inside gRPC), and no division: an integer division costs 10 to 40 cycles and its cost differs
 * several-fold between CPU generations, as much as the rest of a pick. The round-robin position holds the slot
 * index itself and wraps to 0 by a comparison; random slots are drawn by multiplying a random int by the size
 * and keeping the high half (Lemire's multiply-shift; its bias is below size / 2^32).
 *
 * <p>The round-robin position is striped by thread: one shared counter would be written by every core on every
 * pick, and that cache line bouncing between cores costs tens of nanoseconds per pick at two threads — as much
 * as the pick itself many times over. Each thread (by id, so the threads of one executor land on distinct
 * stripes) advances its own counter on its own cache line; every thread therefore cycles through all channels
 * in order, and the stripes start at different offsets so that many threads' first calls do not all land on
 * channel 0. The counters are plain ints updated without atomics: two threads that share a stripe can lose an
 * increment, which only sends one more call to the same channel — cheaper than making every pick atomic.
 *
 * <p>This class is thread-safe.
 */
final class ChannelPicker {

  private final int size;
  private final PickStrategy strategy;
  private final AtomicReferenceArray<PooledChannel> channels;
  private final HealthChecker healthChecker;
  /** Thread stripes of the round-robin position; a power of two. */
  private static final int STRIPES = 16;
  /** Ints between two stripes' counters: 128 bytes, so neighbours never share a cache line (or its prefetch pair). */
  private static final int STRIDE = 32;
  private final int[] positions = new int[STRIPES * STRIDE];
  private final LongAdder noHealthyFallbacks = new LongAdder();

  ChannelPicker(PickStrategy strategy, AtomicReferenceArray<PooledChannel> channels, HealthChecker healthChecker) {
    this.size = channels.length();
    this.strategy = strategy;
    this.channels = channels;
    this.healthChecker = healthChecker;
    for (int k = 0; k < STRIPES; k++) {
      // The stripe's first pick returns slot k mod size (the division runs once, here).
      positions[k * STRIDE] = (k + size - 1) % size;
    }
  }

  /** The channel in the slot the configured strategy chooses. */
  PooledChannel pickChannel() {
    return channels.get(pick());
  }

  /** The slot the configured strategy chooses. */
  int pick() {
    if (strategy == PickStrategy.ROUND_ROBIN) {
      return roundRobin();
    }
    switch (strategy) {
      case HEALTHY_FIRST:
        return healthy();
      case LEAST_IN_FLIGHT:
        return leastInFlight();
      case POWER_OF_TWO_CHOICES:
        return powerOfTwo();
      case ROUND_ROBIN:
      default:
        return roundRobin();
    }
  }

  /**
   * The next slot in round-robin order, whatever its state. A stripe holds the index it returned last; every
   * value ever stored there is a valid index, so two threads racing on one stripe cannot leave it out of range.
   */
  int roundRobin() {
    int at = ((int) Thread.currentThread().getId() & (STRIPES - 1)) * STRIDE;
    int n = positions[at] + 1;
    if (n >= size) {
      n = 0;
    }
    positions[at] = n;
    return n;
  }

  /**
   * The first pickable slot (see {@link HealthChecker#isPickable}) from the round-robin start; an IDLE one is
   * asked to connect. If none is pickable: counted, and the first slot from the start that is not shut down.
   */
  int healthy() {
    int start = roundRobin();
    for (int k = 0; k < size; k++) {
      int i = wrap(start + k);
      PooledChannel pc = channels.get(i);
      if (healthChecker.isPickable(pc)) {
        if (pc.state() == ConnectivityState.IDLE) {
          pc.requestConnection();
        }
        return i;
      }
    }
    noHealthyFallbacks.increment();
    for (int k = 0; k < size; k++) {
      int i = wrap(start + k);
      if (!channels.get(i).channel.isShutdown()) {
        return i;
      }
    }
    return start;
  }

  /** The slot with the fewest calls in flight; ties go to the first from the round-robin start. */
  int leastInFlight() {
    int start = roundRobin();
    int best = start;
    int bestLoad = load(start);
    for (int k = 1; k < size && bestLoad > 0; k++) {
      int i = wrap(start + k);
      int l = load(i);
      if (l < bestLoad) {
        best = i;
        bestLoad = l;
      }
    }
    return best;
  }

  /** The less loaded of two distinct random slots. */
  int powerOfTwo() {
    if (size == 1) {
      return 0;
    }
    // One draw for both choices: each draw is a read-modify-write of the thread's seed, and consecutive picks
    // wait on each other's write.
    long r = ThreadLocalRandom.current().nextLong();
    int a = below((int) r, size);
    int b = below((int) (r >>> 32), size - 1);
    // b skips over a: +1 when b >= a. Written without branches: random indices make any branch here a coin
    // toss for the CPU's predictor, and a mispredicted branch costs more than the rest of the pick.
    b += (a - b - 1) >>> 31;
    long la = load(a);
    long lb = load(b);
    int bLess = (int) ((lb - la) >>> 63);
    return a + (b - a) * bLess;
  }

  /**
   * Maps a uniformly random int onto {@code 0..bound-1} without a division ({@code nextInt(bound)} uses
   * {@code %} for a bound that is not a power of two).
   */
  static int below(int random, int bound) {
    return (int) ((Integer.toUnsignedLong(random) * bound) >>> 32);
  }

  /**
   * Calls in flight, or "infinitely busy" for a channel that is failing or shut down: such a channel fails
   * calls fast, so its count stays low and would otherwise attract every call.
   */
  private int load(int i) {
    PooledChannel pc = channels.get(i);
    ConnectivityState s = pc.state();
    if (s == ConnectivityState.TRANSIENT_FAILURE || s == ConnectivityState.SHUTDOWN) {
      return Integer.MAX_VALUE;
    }
    return pc.inFlight.get();
  }

  private int wrap(int i) {
    return i >= size ? i - size : i;
  }

  long noHealthyFallbacks() {
    return noHealthyFallbacks.sum();
  }

  /** Sets every stripe's round-robin position to slot {@code index} (the next pick returns the slot after it). */
  void setPosition(int index) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("position must be a slot index in 0.." + (size - 1) + ", was " + index);
    }
    for (int k = 0; k < STRIPES; k++) {
      positions[k * STRIDE] = index;
    }
  }
}
