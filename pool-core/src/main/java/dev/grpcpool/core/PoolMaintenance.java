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
 * jittered replacement of failed channels, the {@code maxChannelAge} refresh, and the graceful shutdown of
 * replaced channels.
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
 * <p>A replaced channel lingers briefly (a thread may have picked it just before the swap), then shuts down
 * gracefully as soon as no picked call is still unstarted; it is forced down after {@link #RETIRE_FORCE_NANOS}
 * at the latest, in case a caller created a call and never started or cancelled it.
 *
 * <p>This class is thread-safe.
 */
final class PoolMaintenance {

  private static final Logger logger = Logger.getLogger(PoolMaintenance.class.getName());
  /** Time a replaced channel stays open after the swap for callers that picked it just before. */
  static final long RETIRE_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Upper bound on waiting for unstarted calls on a replaced channel. */
  static final long RETIRE_FORCE_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** Each channel lives between (1 - AGE_JITTER) and 1 times maxChannelAge. */
  static final double AGE_JITTER = 0.2;

  private final ChannelPool pool;
  private final PoolConfig config;
  private final ScheduledThreadPoolExecutor scheduler;
  private final long intervalNanos;

  PoolMaintenance(ChannelPool pool, PoolConfig config, String name) {
    this.pool = pool;
    this.config = config;
    this.intervalNanos = config.healthCheckInterval().toNanos();
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
    for (int i = 0; i < pool.size(); i++) {
      channelAdded(pool.current(i), true);
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

  private void runHealthPass() {
    if (pool.isShutdown()) {
      return;
    }
    pool.pruneDraining();
    long now = System.nanoTime();
    long graceNanos = config.transientFailureGrace().toNanos();
    int failing = 0;
    List<PooledChannel> shutDown = new ArrayList<>();
    List<PooledChannel> failedPastGrace = new ArrayList<>();
    for (int i = 0; i < pool.size(); i++) {
      PooledChannel pc = pool.current(i);
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
        pool.replace(pc, reason);
      }
      pc.replacementScheduled.set(false);
    }, jitter);
    if (!scheduled) {
      pc.replacementScheduled.set(false);
    }
  }

  /** Schedules the age refresh of a channel that just joined the pool. */
  void channelAdded(PooledChannel pc, boolean firstGeneration) {
    Duration maxAge = config.maxChannelAge();
    if (maxAge == null) {
      return;
    }
    long delay = ageDelayNanos(maxAge.toNanos(), pc.index, pool.size(), firstGeneration,
        ThreadLocalRandom.current());
    schedule(() -> pool.replace(pc, "reached maxChannelAge"), delay);
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

  /** Starts the graceful shutdown of a channel that has left the pool, after the linger. */
  void retire(PooledChannel old) {
    boolean scheduled = schedule(() -> {
      old.markRetired();
      if (old.unstarted.get() == 0) {
        old.shutdownOnce();
      }
    }, RETIRE_LINGER_NANOS);
    scheduled &= schedule(old::shutdownOnce, RETIRE_LINGER_NANOS + RETIRE_FORCE_NANOS);
    if (!scheduled) {
      // The pool is shutting down; it shuts the draining channels down itself.
      old.markRetired();
      old.shutdownOnce();
    }
  }

  /** Shuts down a retired channel whose last unstarted call just started, on the maintenance thread. */
  void shutdownRetired(PooledChannel pc) {
    try {
      scheduler.execute(pc::shutdownOnce);
    } catch (RejectedExecutionException poolShuttingDown) {
      pc.shutdownOnce();
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
