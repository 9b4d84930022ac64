package dev.grpcpool.bench.load;

import dev.grpcpool.core.DurationText;
import dev.grpcpool.core.PoolConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The bounds and pace of a run's pool that sizes itself ({@code load --pool-min N --pool-max M}): what
 * {@link PoolConfig.Builder#minSize}, {@code maxSize}, {@code resizeInterval}, {@code maxResizeStep} and
 * {@code callsPerChannel} are set to. The pool's own checks are the only ones: a value it refuses is refused here,
 * with its message.
 *
 * <p>Immutable and thread-safe.
 *
 * @param minSize fewest channels, and the number the pool starts with
 * @param maxSize most channels, greater than {@code minSize}
 * @param resizeInterval how often the pool decides whether to resize
 * @param maxResizeStep most channels one resize adds or removes
 * @param callsPerChannelLow below this many calls in flight per channel the pool shrinks
 * @param callsPerChannelHigh above this many it grows
 */
public record SelfSizing(int minSize, int maxSize, Duration resizeInterval, int maxResizeStep,
    int callsPerChannelLow, int callsPerChannelHigh) {

  /**
   * @throws IllegalArgumentException naming the setting, as {@link PoolConfig.Builder} does, or when
   *     {@code minSize == maxSize}: that is a fixed size
   */
  public SelfSizing {
    Objects.requireNonNull(resizeInterval, "resizeInterval");
    // The fields are not assigned yet in a compact constructor: the values go in as arguments.
    apply(PoolConfig.builder("checked"), minSize, maxSize, resizeInterval, maxResizeStep, callsPerChannelLow,
        callsPerChannelHigh).build();
    if (minSize == maxSize) {
      throw new IllegalArgumentException("maxSize must be greater than minSize (" + minSize + ") for a pool that"
          + " sizes itself (was " + maxSize + "); equal bounds are a fixed size");
    }
  }

  /** Between {@code minSize} and {@code maxSize}, at the pool's default pace and band. */
  public static SelfSizing between(int minSize, int maxSize) {
    return new SelfSizing(minSize, maxSize, PoolConfig.DEFAULT_RESIZE_INTERVAL, PoolConfig.DEFAULT_MAX_RESIZE_STEP,
        PoolConfig.DEFAULT_CALLS_PER_CHANNEL_LOW, PoolConfig.DEFAULT_CALLS_PER_CHANNEL_HIGH);
  }

  public SelfSizing withResizeInterval(Duration interval) {
    return new SelfSizing(minSize, maxSize, interval, maxResizeStep, callsPerChannelLow, callsPerChannelHigh);
  }

  public SelfSizing withMaxResizeStep(int step) {
    return new SelfSizing(minSize, maxSize, resizeInterval, step, callsPerChannelLow, callsPerChannelHigh);
  }

  public SelfSizing withCallsPerChannel(int low, int high) {
    return new SelfSizing(minSize, maxSize, resizeInterval, maxResizeStep, low, high);
  }

  /** Sets these bounds and this pace on {@code config}; returns it. */
  PoolConfig.Builder applyTo(PoolConfig.Builder config) {
    return apply(config, minSize, maxSize, resizeInterval, maxResizeStep, callsPerChannelLow, callsPerChannelHigh);
  }

  private static PoolConfig.Builder apply(PoolConfig.Builder config, int min, int max, Duration interval, int step,
      int low, int high) {
    return config.minSize(min).maxSize(max).resizeInterval(interval).maxResizeStep(step).callsPerChannel(low, high);
  }

  /** The settings for the run's summary, beside the strategy and health settings. */
  void putInto(Map<String, Object> channel) {
    channel.put("size", minSize + ".." + maxSize);
    channel.put("sizeFrom", "--pool-min and --pool-max: the pool sizes itself");
    channel.put("minSize", minSize);
    channel.put("maxSize", maxSize);
    channel.put("resizeIntervalMillis", resizeInterval.toMillis());
    channel.put("maxResizeStep", maxResizeStep);
    channel.put("callsPerChannel", callsPerChannelLow + ".." + callsPerChannelHigh);
  }

  @Override
  public String toString() {
    return "SelfSizing{" + minSize + ".." + maxSize + " channels, every " + DurationText.of(resizeInterval)
        + " by at most " + maxResizeStep + ", " + callsPerChannelLow + ".." + callsPerChannelHigh
        + " calls per channel}";
  }
}
