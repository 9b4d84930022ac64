package dev.grpcpool.core;

import io.grpc.ConnectivityState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for a {@link ChannelPool}: its size and the size it is moving to, resizes, channels by
 * connectivity state, healthy channels, the time each pick takes, channel replacements, and per channel its
 * completed calls, calls in flight and the time calls waited for a stream.
 *
 * <table>
 *   <caption>Meters (Prometheus names in brackets)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code grpc.pool.size} ({@code grpc_pool_size})</td><td>gauge</td><td></td>
 *       <td>channels in the pool</td></tr>
 *   <tr><td>{@code grpc.pool.size.target} ({@code grpc_pool_size_target})</td><td>gauge</td><td></td>
 *       <td>the size the last resize decision aimed for (the size itself for a fixed-size pool)</td></tr>
 *   <tr><td>{@code grpc.pool.resizes} ({@code grpc_pool_resizes_total})</td><td>counter</td>
 *       <td>{@code direction}: up, down; {@code reason}: calls_queued, above_band, below_band</td>
 *       <td>resizes of a pool that sizes itself</td></tr>
 *   <tr><td>{@code grpc.pool.channels} ({@code grpc_pool_channels})</td><td>gauge</td>
 *       <td>{@code state}: idle, connecting, ready, transient_failure, shutdown</td>
 *       <td>channels in each connectivity state</td></tr>
 *   <tr><td>{@code grpc.pool.healthy} ({@code grpc_pool_healthy})</td><td>gauge</td><td></td>
 *       <td>channels whose health is HEALTHY (READY, and SERVING when a health service is checked)</td></tr>
 *   <tr><td>{@code grpc.pool.pick} ({@code grpc_pool_pick_seconds})</td><td>timer</td><td></td>
 *       <td>time to choose a channel in {@code newCall}; count, total and max only, no percentiles or
 *       histogram, so recording stays cheap on the call path</td></tr>
 *   <tr><td>{@code grpc.pool.reconnects} ({@code grpc_pool_reconnects_total})</td><td>counter</td><td></td>
 *       <td>channels replaced (shut down, failing past their grace, or aged out)</td></tr>
 *   <tr><td>{@code grpc.pool.calls} ({@code grpc_pool_calls_total})</td><td>counter</td>
 *       <td>{@code channel} (slot index), {@code outcome}: ok, failed</td>
 *       <td>calls through the pool that closed, per slot</td></tr>
 *   <tr><td>{@code grpc.pool.in.flight} ({@code grpc_pool_in_flight})</td><td>gauge</td>
 *       <td>{@code channel}</td><td>calls picked for the slot and not yet closed</td></tr>
 *   <tr><td>{@code grpc.pool.queued} ({@code grpc_pool_queued_seconds_total})</td><td>counter</td>
 *       <td>{@code channel}</td><td>time calls waited for a stream on the slot's connection before their headers
 *       went out, summed</td></tr>
 *   <tr><td>{@code grpc.pool.queued.calls} ({@code grpc_pool_queued_calls_total})</td><td>counter</td>
 *       <td>{@code channel}</td><td>calls that waited 1 ms or more for a stream</td></tr>
 * </table>
 *
 * <p>Per-channel meters are per slot index. A pool that sizes itself registers a slot's meters when it first
 * grows to that index and keeps them when it shrinks: a removed slot's counters keep their value (and continue
 * when the pool grows back) and its in-flight gauge reads 0.
 *
 * <p>The meters read the pool's own counters through {@link ChannelPool#stats()}. One scrape reads many meters,
 * so a snapshot is taken at most once per {@link #SNAPSHOT_MAX_AGE} and shared by all of them, instead of one per
 * meter. Until {@link #bindTo} is called nothing is added to the pick path; after it, each {@code newCall} costs
 * two {@code System.nanoTime()} calls and a timer update. Bind one {@code PoolMetrics} per pool; tell pools
 * apart in one registry with tags:
 *
 * <pre>{@code
 * new PoolMetrics(pool, Tags.of("pool", "echo")).bindTo(registry);
 * }</pre>
 *
 * <p>The meters stay registered as long as the pool is reachable; {@link #close()} removes them and stops timing
 * picks.
 *
 * <p>This class is thread-safe.
 */
public final class PoolMetrics implements MeterBinder, AutoCloseable {

  /** Longest time one stats snapshot serves the meters; a scrape within it costs one snapshot, not one per meter. */
  public static final Duration SNAPSHOT_MAX_AGE = Duration.ofMillis(500);

  private static final PoolStats.ChannelStats NEVER_USED = new PoolStats.ChannelStats(-1, "none",
      ConnectivityState.SHUTDOWN, PoolStats.Health.UNKNOWN, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO);

  private final ChannelPool pool;
  private final Tags tags;
  private final Supplier<PoolStats> snapshotSource;
  private final LongSupplier nanoClock;
  private final long maxAgeNanos;
  private final Object lock = new Object();
  /** Meters registered by {@link #bindTo}, with their registry, for {@link #close()}; guarded by lock. */
  private final List<Registered> registered = new ArrayList<>();
  /** Pick timers of every bound registry; copied on write so the pick path iterates without allocating. */
  private volatile Timer[] pickTimers = new Timer[0];
  private volatile Snapshot snapshot;
  private boolean closed;
  /** Every bound registry and the slot indices whose meters it has; guarded by lock. */
  private final Map<MeterRegistry, Integer> positionsRegistered = new LinkedHashMap<>();

  /** Meters for {@code pool} with no extra tags. */
  public PoolMetrics(ChannelPool pool) {
    this(pool, Tags.empty());
  }

  /** Meters for {@code pool}, each carrying {@code tags} too (e.g. {@code pool=echo}). */
  public PoolMetrics(ChannelPool pool, Iterable<Tag> tags) {
    this(pool, tags, null, System::nanoTime, SNAPSHOT_MAX_AGE);
  }

  /** For tests: counts or replaces snapshots and drives the cache's clock by hand. */
  PoolMetrics(ChannelPool pool, Iterable<Tag> tags, Supplier<PoolStats> snapshotSource, LongSupplier nanoClock,
      Duration maxAge) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    this.snapshotSource = snapshotSource != null ? snapshotSource : pool::stats;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.maxAgeNanos = maxAge.toNanos();
  }

  /**
   * Registers the meters in {@code registry} and starts timing picks. May be called for several registries.
   *
   * @throws IllegalStateException if this was closed
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("PoolMetrics is closed");
      }
      List<Meter> meters = new ArrayList<>();
      meters.add(Gauge.builder("grpc.pool.size", this, m -> m.pool.size())
          .tags(tags).description("Channels in the pool").register(registry));
      meters.add(gauge(registry, "grpc.pool.size.target", s -> s.sizing().target(), Tags.empty(),
          "The size the last resize decision aimed for"));
      for (PoolStats.ResizeReason reason : PoolStats.ResizeReason.values()) {
        String direction = reason == PoolStats.ResizeReason.BELOW_BAND ? "down" : "up";
        meters.add(FunctionCounter.builder("grpc.pool.resizes", this, m -> m.stats().sizing().resizes(reason))
            .tags(tags).tag("direction", direction).tag("reason", reason.name().toLowerCase(Locale.ROOT))
            .description("Resizes of a pool that sizes itself").register(registry));
      }
      for (ConnectivityState state : ConnectivityState.values()) {
        meters.add(gauge(registry, "grpc.pool.channels", s -> count(s, state),
            Tags.of("state", state.name().toLowerCase(Locale.ROOT)), "Channels in each connectivity state"));
      }
      meters.add(gauge(registry, "grpc.pool.healthy", PoolStats::healthy, Tags.empty(),
          "Channels whose health is HEALTHY"));
      meters.add(FunctionCounter.builder("grpc.pool.reconnects", this, m -> m.stats().reconnects())
          .tags(tags).description("Channels replaced").register(registry));
      positionsRegistered.put(registry, 0);
      remember(registry, meters);
      registerNewPositions(registry);
      Timer pick = Timer.builder("grpc.pool.pick")
          .tags(tags)
          .description("Time to choose a channel for a call")
          .publishPercentileHistogram(false)
          .register(registry);
      registered.add(new Registered(registry, pick));
      Timer[] timers = Arrays.copyOf(pickTimers, pickTimers.length + 1);
      timers[timers.length - 1] = pick;
      pickTimers = timers;
      // Meters hold this object weakly (Micrometer's default); the recorder holds it strongly, so the meters
      // report as long as the pool is reachable, and do not keep a discarded pool alive.
      pool.setPickRecorder(this::recordPick);
      pool.setPositionsListener(this::positionsAdded);
    }
  }

  /** Keeps {@code meters} for {@link #close()}; holds lock. */
  private void remember(MeterRegistry registry, List<Meter> meters) {
    for (Meter meter : meters) {
      registered.add(new Registered(registry, meter));
    }
  }

  /** The pool grew to a slot index it never had: its meters join every bound registry. */
  private void positionsAdded() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (MeterRegistry registry : positionsRegistered.keySet()) {
        registerNewPositions(registry);
      }
    }
  }

  /** Registers the per-slot meters of the indices {@code registry} does not have yet; holds lock. */
  private void registerNewPositions(MeterRegistry registry) {
    int from = positionsRegistered.get(registry);
    int to = pool.positionsForStats().length;
    for (int i = from; i < to; i++) {
      int index = i;
      Tags channel = Tags.of("channel", Integer.toString(i));
      List<Meter> meters = new ArrayList<>();
      meters.add(FunctionCounter.builder("grpc.pool.calls", this, m -> m.channel(index).callsOk())
          .tags(tags).tags(channel).tag("outcome", "ok")
          .description("Calls through the pool that closed, per channel slot").register(registry));
      meters.add(FunctionCounter.builder("grpc.pool.calls", this, m -> m.channel(index).callsFailed())
          .tags(tags).tags(channel).tag("outcome", "failed")
          .description("Calls through the pool that closed, per channel slot").register(registry));
      meters.add(gauge(registry, "grpc.pool.in.flight",
          s -> index < s.channels().size() ? s.channels().get(index).inFlight() : 0, channel,
          "Calls picked for the channel slot and not yet closed"));
      meters.add(FunctionCounter.builder("grpc.pool.queued", this,
              m -> m.channel(index).queuedTime().toNanos() / 1e9)
          .tags(tags).tags(channel).baseUnit("seconds")
          .description("Time calls waited for a stream on the slot's connection").register(registry));
      meters.add(FunctionCounter.builder("grpc.pool.queued.calls", this, m -> m.channel(index).queuedCalls())
          .tags(tags).tags(channel)
          .description("Calls that waited 1 ms or more for a stream").register(registry));
      remember(registry, meters);
    }
    positionsRegistered.put(registry, Math.max(from, to));
  }

  /** Removes every meter this registered and stops timing picks. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      pool.setPickRecorder(null);
      pool.setPositionsListener(null);
      positionsRegistered.clear();
      pickTimers = new Timer[0];
      for (Registered r : registered) {
        r.registry.remove(r.meter);
      }
      registered.clear();
    }
  }

  private void recordPick(long nanos) {
    for (Timer timer : pickTimers) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  private Gauge gauge(MeterRegistry registry, String name, ToDoubleFunction<PoolStats> read, Tags extra,
      String description) {
    return Gauge.builder(name, this, m -> read.applyAsDouble(m.stats()))
        .tags(tags)
        .tags(extra)
        .description(description)
        .register(registry);
  }

  /** Slot {@code index}, in use or removed; a snapshot older than the slot reads as all zeros. */
  private PoolStats.ChannelStats channel(int index) {
    return stats().position(index).orElse(NEVER_USED);
  }

  private static int count(PoolStats stats, ConnectivityState state) {
    switch (state) {
      case IDLE:
        return stats.idle();
      case CONNECTING:
        return stats.connecting();
      case READY:
        return stats.ready();
      case TRANSIENT_FAILURE:
        return stats.transientFailure();
      case SHUTDOWN:
        return stats.shutdown();
      default:
        throw new AssertionError(state);
    }
  }

  /** The shared snapshot, taken anew once it is older than the max age. Racing readers may both take one. */
  PoolStats stats() {
    long now = nanoClock.getAsLong();
    Snapshot s = snapshot;
    if (s == null || now - s.takenAtNanos >= maxAgeNanos) {
      s = new Snapshot(snapshotSource.get(), now);
      snapshot = s;
    }
    return s.stats;
  }

  private static final class Snapshot {
    final PoolStats stats;
    final long takenAtNanos;

    Snapshot(PoolStats stats, long takenAtNanos) {
      this.stats = stats;
      this.takenAtNanos = takenAtNanos;
    }
  }

  private static final class Registered {
    final MeterRegistry registry;
    final Meter meter;

    Registered(MeterRegistry registry, Meter meter) {
      this.registry = registry;
      this.meter = meter;
    }
  }
}
