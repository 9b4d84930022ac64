package dev.grpcpool.core;

import dev.grpcpool.core.PoolStats.ResizeReason;
import io.grpc.ConnectivityState;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides, every {@code resizeInterval}, whether a pool that sizes itself adds or removes channels, and does it;
 * it runs on the pool's maintenance thread ({@link PoolMaintenance}).
 *
 * <p>Two signals, measured over the interval:
 * <ul>
 *   <li>calls in flight per channel: the pool's in-flight count, sampled {@value #SAMPLES_PER_INTERVAL} times
 *       per interval and averaged, divided by the size;
 *   <li>queuing: calls whose headers waited for a stream on their connection ({@link QueueWaitTracer}). It is
 *       seen, not assumed: whatever the server's {@code MAX_CONCURRENT_STREAMS}, calls beyond it wait, and the
 *       pool grows. It counts when at least {@value #MIN_QUEUED_CALLS} calls and one in
 *       {@value #QUEUED_SHARE_INVERSE} of the interval's calls waited, so that a thread descheduled now and then
 *       on a busy machine does not look like a full connection.
 * </ul>
 *
 * <p>The decision, with hysteresis: grow by {@code maxResizeStep} when calls queued on channels carrying at least
 * the band's low end (see {@link #wantedSize}); else keep the size within [⌈load / high⌉, ⌈load / low⌉]
 * (gax-java's rule), growing when calls per channel are above the band and shrinking when they are below it. At
 * most {@code maxResizeStep} channels per interval, never outside {@code minSize..maxSize}. A pool does not grow
 * again while a channel it added is still connecting, so one burst cannot add a step per interval before the
 * first step could help; nor while none of its channels is READY: calls that wait for a backend that is down or
 * still connecting look like load, and more connections to it would not carry them. It does not remove the last
 * healthy channel: it stops shrinking instead.
 *
 * <p>Added channels take the next index and join the pick snapshot when READY; removed ones are the last
 * indices: they leave the snapshot first, then are retired like a replaced channel (shut down gracefully once
 * no picked call is unstarted, so running calls finish).
 *
 * <p>Queuing below the band's low end is ignored, so against a server whose stream limit is below it the pool
 * grows only by the band; choose a low end below the server's limit. A stream that is still waiting is seen
 * only once its headers go out. A client short of CPU delays headers too; above the low end that reads as
 * queuing and the pool grows, at most until channels carry the low end.
 *
 * <p>Thread-safety: {@link #tick}, {@link #grow} and {@link #shrink} run on the maintenance thread (tests call
 * the latter two directly; they are synchronized); {@link #stats} may be called from any thread.
 */
final class PoolResizer {

  private static final Logger logger = Logger.getLogger(PoolResizer.class.getName());
  static final int SAMPLES_PER_INTERVAL = 4;
  static final int MIN_QUEUED_CALLS = 3;
  static final int QUEUED_SHARE_INVERSE = 10;

  private final ChannelPool pool;
  private final PoolConfig config;
  private final PoolMaintenance maintenance;
  private final LongAdder grownForQueuing = new LongAdder();
  private final LongAdder grownAboveBand = new LongAdder();
  private final LongAdder shrunkBelowBand = new LongAdder();
  private final LongAdder channelsAdded = new LongAdder();
  private final LongAdder channelsRemoved = new LongAdder();
  private volatile int target;
  // Maintenance thread only:
  private long inFlightSampled;
  private int samples;
  private long queuedAtLastDecision;
  private long streamsAtLastDecision;

  PoolResizer(ChannelPool pool, PoolConfig config, PoolMaintenance maintenance) {
    this.pool = pool;
    this.config = config;
    this.maintenance = maintenance;
    this.target = config.minSize();
  }

  /** Time between two in-flight samples; a decision follows every {@value #SAMPLES_PER_INTERVAL}th. */
  long tickNanos() {
    return Math.max(1, config.resizeInterval().toNanos() / SAMPLES_PER_INTERVAL);
  }

  /** One sample; every {@value #SAMPLES_PER_INTERVAL}th, a decision. */
  void tick() {
    if (pool.isShutdown()) {
      return;
    }
    for (Slot slot : pool.slots()) {
      inFlightSampled += slot.current().inFlight();
    }
    if (++samples < SAMPLES_PER_INTERVAL) {
      return;
    }
    double load = (double) inFlightSampled / samples;
    inFlightSampled = 0;
    samples = 0;
    long queued = 0;
    long streams = 0;
    for (Slot slot : pool.positionsForStats()) {
      queued += slot.queuedCalls.sum();
      streams += slot.streams.sum();
    }
    boolean queuing = isQueuing(queued - queuedAtLastDecision, streams - streamsAtLastDecision);
    queuedAtLastDecision = queued;
    streamsAtLastDecision = streams;
    decide(load, queuing);
  }

  static boolean isQueuing(long queuedCalls, long streams) {
    return queuedCalls >= MIN_QUEUED_CALLS && queuedCalls * QUEUED_SHARE_INVERSE >= streams;
  }

  private void decide(double load, boolean queuing) {
    int size = pool.size();
    int wanted = wantedSize(size, load, queuing, config);
    target = wanted;
    if (wanted > size) {
      if (addedChannelConnecting() || !anyChannelReady()) {
        return;
      }
      grow(Math.min(wanted - size, config.maxResizeStep()),
          queuing ? ResizeReason.CALLS_QUEUED : ResizeReason.ABOVE_BAND);
    } else if (wanted < size) {
      shrink(Math.min(size - wanted, config.maxResizeStep()));
    }
  }

  /**
   * The size the pool should move to, within {@code minSize..maxSize}: when calls queued while channels carried
   * at least the band's low end, {@code size + maxResizeStep} but no more channels than keep that low end
   * (and at least enough for the high end); else the nearest size that puts {@code load} calls in flight inside
   * the band per channel, or {@code size} when it already does.
   *
   * <p>Waits on channels carrying fewer calls than the band's low end are not taken for a full connection: no
   * server caps streams that low, and what such a wait shows is the transport's own latency (an event loop late
   * on a machine short of CPU), which more connections do not cure. Growing for queuing only down to the low
   * end also keeps the next decision from shrinking straight back.
   */
  static int wantedSize(int size, double load, boolean queuing, PoolConfig config) {
    int fewest = (int) Math.ceil(load / config.callsPerChannelHigh());
    int most = (int) Math.ceil(load / config.callsPerChannelLow());
    int wanted;
    if (queuing && load >= (double) size * config.callsPerChannelLow()) {
      wanted = Math.max(fewest, Math.min(size + config.maxResizeStep(), most));
    } else if (size < fewest) {
      wanted = fewest;
    } else if (size > most) {
      wanted = most;
    } else {
      wanted = size;
    }
    return Math.max(config.minSize(), Math.min(config.maxSize(), wanted));
  }

  /** Whether any channel in use is READY: growing helps only where calls can reach a backend. */
  private boolean anyChannelReady() {
    for (Slot slot : pool.slots()) {
      if (slot.current().state() == ConnectivityState.READY) {
        return true;
      }
    }
    return false;
  }

  /** Whether a channel added by a resize is still connecting: its step has not had a chance to help yet. */
  private boolean addedChannelConnecting() {
    for (Slot slot : pool.slots()) {
      ConnectivityState s = slot.current().state();
      if (!slot.joined() && (s == ConnectivityState.CONNECTING || s == ConnectivityState.IDLE)) {
        return true;
      }
    }
    return false;
  }

  /** Adds up to {@code count} channels, never above {@code maxSize}; returns how many it added. */
  synchronized int grow(int count, ResizeReason reason) {
    int added = 0;
    while (added < count && pool.size() < config.maxSize() && !pool.isShutdown()) {
      PooledChannel pc;
      try {
        pc = pool.addChannel();
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "Could not build a channel to grow the pool (" + reason + ")", e);
        break;
      }
      if (pc == null) {
        break;
      }
      maintenance.channelAdded(pc, false);
      added++;
    }
    if (added > 0) {
      channelsAdded.add(added);
      (reason == ResizeReason.CALLS_QUEUED ? grownForQueuing : grownAboveBand).increment();
      logger.log(Level.FINE, "Pool grew by {0} to {1}: {2}", new Object[] {added, pool.size(), reason});
    }
    return added;
  }

  /**
   * Removes up to {@code count} channels from the end, never below {@code minSize} nor the last healthy
   * channel; returns how many it removed.
   */
  synchronized int shrink(int count) {
    int removed = 0;
    boolean healthChecked = pool.healthChecker().usesHealthService();
    while (removed < count && pool.size() > config.minSize() && !pool.isShutdown()) {
      Slot[] slots = pool.slots();
      PooledChannel last = slots[slots.length - 1].current();
      if (ChannelPicker.isHealthy(last, healthChecked) && !anyHealthyBefore(slots, healthChecked)) {
        break;
      }
      maintenance.retire(pool.removeLastChannel());
      removed++;
    }
    if (removed > 0) {
      channelsRemoved.add(removed);
      shrunkBelowBand.increment();
      logger.log(Level.FINE, "Pool shrank by {0} to {1}", new Object[] {removed, pool.size()});
    }
    return removed;
  }

  private static boolean anyHealthyBefore(Slot[] slots, boolean healthChecked) {
    for (int i = 0; i < slots.length - 1; i++) {
      if (slots[i].joined() && ChannelPicker.isHealthy(slots[i].current(), healthChecked)) {
        return true;
      }
    }
    return false;
  }

  PoolStats.Sizing stats() {
    return new PoolStats.Sizing(config.minSize(), config.maxSize(), target, grownForQueuing.sum(),
        grownAboveBand.sum(), shrunkBelowBand.sum(), channelsAdded.sum(), channelsRemoved.sum());
  }

  @Override
  public String toString() {
    return "PoolResizer{size=" + pool.size() + ", target=" + target + ", interval="
        + PoolConfig.format(config.resizeInterval()) + ", tick=" + TimeUnit.NANOSECONDS.toMillis(tickNanos())
        + "ms}";
  }
}
