package dev.grpcpool.bench.load;

import dev.grpcpool.core.DurationText;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.core.sizing.PoolSizing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything about one load run besides its target: what to send ({@link LoadSpec}), through what ({@link Channels},
 * pool size or {@link SelfSizing}, health checking), which faults to inject, where to write, and what to show.
 *
 * <p>Immutable.
 *
 * @param channels a single channel, or a pool and its pick strategy
 * @param poolSize channels in the pool; null for the size the rule of thumb recommends for {@code workload}, or
 *     for a pool that sizes itself
 * @param selfSizing the bounds of a pool that sizes itself; null for a fixed size
 * @param workload the kind of work, used by an automatic pool size
 * @param healthService grpc.health.v1 service the pool checks: null for connectivity only, "" for the server
 * @param out the output folder, or null for a new run folder under {@code results/}
 * @param metricsPort port of a Prometheus endpoint with the pool's metrics, or null for none
 */
public record RunSettings(LoadSpec spec, Channels channels, Integer poolSize, SelfSizing selfSizing,
    PoolSizing.Workload workload, String healthService, Duration healthInterval, FaultSchedule faults, Path out,
    boolean quiet, Integer metricsPort) {

  public RunSettings {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(healthInterval, "healthInterval");
    Objects.requireNonNull(faults, "faults");
    if (poolSize != null && (poolSize < PoolConfig.MIN_SIZE || poolSize > PoolConfig.MAX_SIZE)) {
      throw new IllegalArgumentException("pool size must be in " + PoolConfig.MIN_SIZE + ".." + PoolConfig.MAX_SIZE
          + " or auto, was " + poolSize);
    }
    if (selfSizing != null && (poolSize != null || !(channels instanceof Channels.Pool))) {
      throw new IllegalArgumentException(poolSize != null
          ? "a pool has a fixed size or sizes itself, not both (size " + poolSize + ", " + selfSizing + ")"
          : "a single channel has no pool to size");
    }
    if (healthInterval.isNegative() || healthInterval.isZero()) {
      throw new IllegalArgumentException("health interval must be > 0, was " + DurationText.of(healthInterval));
    }
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
      throw new IllegalArgumentException("metrics port must be in 0..65535, was " + metricsPort);
    }
  }

  /** Default settings for {@code spec}: a round-robin pool of the recommended size, no faults. */
  public static RunSettings of(LoadSpec spec) {
    return new RunSettings(spec, Channels.pool(PickStrategy.ROUND_ROBIN), null, null, PoolSizing.Workload.MIXED,
        null, Duration.ofSeconds(1), FaultSchedule.none(), null, true, null);
  }

  /** The same run with a fixed pool of {@code size} (null: the rule of thumb's). */
  public RunSettings withPoolSize(Integer size) {
    return new RunSettings(spec, channels, size, null, workload, healthService, healthInterval, faults, out, quiet,
        metricsPort);
  }

  public RunSettings withOut(Path dir) {
    return new RunSettings(spec, channels, poolSize, selfSizing, workload, healthService, healthInterval, faults, dir,
        quiet, metricsPort);
  }

  /**
   * The pool size to use: the given one, or the rule of thumb's for this machine; for a pool that sizes itself,
   * the size it starts with.
   */
  public int effectivePoolSize() {
    return poolSize != null ? poolSize : selfSizing != null ? selfSizing.minSize()
        : PoolSizing.recommend(workload, false, Runtime.getRuntime().availableProcessors());
  }

  /** The channel settings for the run's summary. */
  Map<String, Object> poolMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("strategy", channels.summaryName());
    if (channels instanceof Channels.Pool) {
      if (selfSizing != null) {
        selfSizing.putInto(m);
      } else {
        m.put("size", effectivePoolSize());
        m.put("sizeFrom", poolSize != null ? "--pool-size" : "rule of thumb for " + workload);
      }
      m.put("healthService", healthService == null ? "none (connectivity state only)" : healthService);
      m.put("healthIntervalMillis", healthInterval.toMillis());
    }
    m.put("retries", "disabled: each call is one attempt");
    return m;
  }
}
