package dev.grpcpool.core;

import io.grpc.ConnectivityState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background side of a {@link ChannelPool}, on one named daemon thread: the periodic health pass,
 * jittered replacement of failed channels, the {@code maxChannelAge} refresh, resizing a pool that sizes itself
 * ({@link PoolResizer}), and the graceful shutdown of replaced and removed channels. A replacement is built, swapped into its slot, published to the pick snapshot, and only
 * then is the old channel retired.
 *
 * <p>Health pass, every {@code healthCheckInterval}: re-reads each channel's state; starts a grpc.health.v1
 * check when a health service is configured (a check makes an IDLE channel connect, so such a pool keeps its
 * channels warm); resets the reconnect backoff of failing channels so a backend
 * that comes back is found within one interval; and replaces channels that are SHUTDOWN, or failing for
 * longer than {@code transientFailureGrace}. When more than half of the channels are failing at once, the
 * backend itself is taken to be down: failing channels are left to reconnect by themselves instead of all
 * being rebuilt (which would only add connection churn to an outage). Replacements are spread over half an
 * interval with random jitter.
 *
 * <p>A retired channel takes no new calls (a thread that read the old snapshot picks again) and shuts down
 * gracefully as soon as no picked call is still unstarted, so its running calls finish; it is shut down after
 * {@link #RETIRE_FORCE_NANOS} at the latest, in case a caller keeps a created call unstarted that long.
 *
 * <p>This class is thread-safe.
 */
final class PoolMaintenance {

  private static final Logger logger = Logger.getLogger(PoolMaintenance.class.getName());
  /** Upper bound on waiting for unstarted calls on a replaced channel. */
  static final long RETIRE_FORCE_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** Each channel lives between (1 - AGE_JITTER) and 1 times maxChannelAge. */
  static final double AGE_JITTER = 0.2;

  private final ChannelPool pool;
  private final PoolConfig config;
  private final ScheduledThreadPoolExecutor scheduler;
  private final long intervalNanos;
  private final PoolResizer resizer;

  PoolMaintenance(ChannelPool pool, PoolConfig config, String name) {
    this.pool = pool;
    this.config = config;
    this.intervalNanos = config.healthCheckInterval().toNanos();
    this.resizer = new PoolResizer(pool, config, this);
    this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread t = new Thread(runnable, name + "-maintenance");
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    scheduler.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  void start() {
    // The first pass comes early so health checks answer soon after the channels connect.
    long firstDelay = Math.min(intervalNanos, TimeUnit.MILLISECONDS.toNanos(100));
    scheduler.scheduleWithFixedDelay(this::healthPass, firstDelay, intervalNanos, TimeUnit.NANOSECONDS);
    if (config.sizesItself()) {
      long tick = resizer.tickNanos();
      scheduler.scheduleWithFixedDelay(this::resizeTick, tick, tick, TimeUnit.NANOSECONDS);
    }
    for (Slot slot : pool.slots()) {
      channelAdded(slot.current(), true);
    }
  }

  void healthPass() {
    try {
      runHealthPass();
    } catch (RuntimeException e) {
      // An exception would cancel the periodic task for good.
      logger.log(Level.WARNING, "ChannelPool health pass failed", e);
    }
  }

  private void resizeTick() {
    try {
      resizer.tick();
    } catch (RuntimeException e) {
      // An exception would cancel the periodic task for good.
      logger.log(Level.WARNING, "ChannelPool resize failed", e);
    }
  }

  PoolResizer resizer() {
    return resizer;
  }

  private void runHealthPass() {
    if (pool.isShutdown()) {
      return;
    }
    pool.pruneTerminated();
    long now = System.nanoTime();
    long graceNanos = config.transientFailureGrace().toNanos();
    int failing = 0;
    List<PooledChannel> shutDown = new ArrayList<>();
    List<PooledChannel> failedPastGrace = new ArrayList<>();
    boolean stateChanged = false;
    for (Slot slot : pool.slots()) {
      PooledChannel pc = slot.current();
      ConnectivityState before = pc.state();
      ConnectivityState state = pc.refreshState();
      if (state == ConnectivityState.SHUTDOWN) {
        failing++;
        shutDown.add(pc);
      } else if (pc.isFailing()) {
        failing++;
        pc.channel.resetConnectBackoff();
        if (now - pc.failingSinceNanos() >= graceNanos) {
          failedPastGrace.add(pc);
        }
      } else {
        pool.healthChecker().check(pc);
      }
      stateChanged |= state != before;
    }
    if (stateChanged) {
      // A missed or late state callback must not leave the pick snapshot stale for longer than one pass.
      pool.channelsChanged();
    }
    for (PooledChannel pc : shutDown) {
      scheduleReplacement(pc, "channel was shut down", false);
    }
    if (failing * 2 > pool.size()) {
      if (!failedPastGrace.isEmpty()) {
        logger.log(Level.FINE, "{0} of {1} channels failing: backend looks down, not replacing them",
            new Object[] {failing, pool.size()});
      }
      return;
    }
    for (PooledChannel pc : failedPastGrace) {
      scheduleReplacement(pc, "in TRANSIENT_FAILURE past transientFailureGrace", true);
    }
  }

  /**
   * Replaces {@code pc} if it is still shut down or failing when the task runs. Failing channels wait a
   * random delay of up to half a health interval, so an outage ending does not rebuild them all in one
   * burst; a shut-down channel (closed by its user: it can never recover) is replaced at once.
   */
  void scheduleReplacement(PooledChannel pc, String reason, boolean jittered) {
    if (!pc.replacementScheduled.compareAndSet(false, true)) {
      return;
    }
    long jitter = jittered ? ThreadLocalRandom.current().nextLong(Math.max(1, intervalNanos / 2)) : 0;
    boolean scheduled = schedule(() -> {
      ConnectivityState state = pc.refreshState();
      if (state == ConnectivityState.SHUTDOWN || pc.isFailing()) {
        replace(pc, reason);
      }
      pc.replacementScheduled.set(false);
    }, jitter);
    if (!scheduled) {
      pc.replacementScheduled.set(false);
    }
  }

  /** Schedules the age refresh of a channel that just joined the pool. */
  void channelAdded(PooledChannel pc, boolean firstGeneration) {
    Duration maxAge = config.maxChannelAge().orElse(null);
    if (maxAge == null) {
      return;
    }
    long delay = ageDelayNanos(maxAge.toNanos(), pc.index, pool.size(), firstGeneration,
        ThreadLocalRandom.current());
    schedule(() -> replace(pc, "reached maxChannelAge"), delay);
  }

  /**
   * How long a channel lives before its age refresh: between (1 - {@link #AGE_JITTER}) and 1 times
   * {@code maxAgeNanos}. The first generation, created together, is spread evenly over that window by index
   * (with jitter inside each channel's share) so the channels never all reconnect at once; later
   * generations are already apart and get plain random jitter.
   */
  static long ageDelayNanos(long maxAgeNanos, int index, int size, boolean firstGeneration, Random random) {
    double u = random.nextDouble();
    double fraction = firstGeneration ? (index + u) / size : u;
    return Math.max(1, (long) (maxAgeNanos * (1.0 - AGE_JITTER * fraction)));
  }

  /**
   * Swaps a new channel, built from the full config, into {@code old}'s slot, publishes it to the pick
   * snapshot, then retires {@code old}. Returns false if the pool is shut down, the slot holds another channel
   * by now, or the new channel cannot be built. Runs on the maintenance thread.
   */
  boolean replace(PooledChannel old, String reason) {
    Slot slot = old.slot;
    if (pool.isShutdown() || !slot.holds(old)) {
      return false;
    }
    PooledChannel fresh;
    try {
      fresh = pool.newChannel(slot);
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "Could not build a replacement for channel " + slot.index + " (" + reason + ")", e);
      return false;
    }
    if (fresh == null) {
      return false;
    }
    if (!slot.swap(old, fresh)) {
      fresh.channel.shutdownNow();
      return false;
    }
    pool.channelsChanged();
    logger.log(Level.FINE, "Replaced channel {0} to {1}: {2}", new Object[] {slot.index, slot.target, reason});
    retire(old);
    channelAdded(fresh, false);
    return true;
  }

  /**
   * Retires a channel that has left its slot (replaced, or removed by a resize): it shuts down gracefully once
   * its last picked call has started (on the maintenance thread), or after {@link #RETIRE_FORCE_NANOS} at the
   * latest; either way its started calls run to their end.
   */
  void retire(PooledChannel old) {
    old.retire(() -> {
      if (!schedule(old::shutdownOnce, 0)) {
        // The pool is shutting down; shut it down on this thread.
        old.shutdownOnce();
      }
    });
    if (!schedule(old::shutdownOnce, RETIRE_FORCE_NANOS)) {
      old.shutdownOnce();
    }
  }

  /** Runs a short task on the maintenance thread; dropped once the pool is shutting down. */
  void execute(Runnable task) {
    schedule(task, 0);
  }

  private boolean schedule(Runnable task, long delayNanos) {
    try {
      scheduler.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          logger.log(Level.WARNING, "ChannelPool maintenance task failed", e);
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException poolShuttingDown) {
      return false;
    }
  }

  void stop() {
    scheduler.shutdownNow();
  }

  boolean isTerminated() {
    return scheduler.isTerminated();
  }

  boolean awaitTermination(long nanos) throws InterruptedException {
    return scheduler.awaitTermination(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }
}
