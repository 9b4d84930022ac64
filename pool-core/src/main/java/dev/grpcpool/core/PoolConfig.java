package dev.grpcpool.core;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a {@link ChannelPool}: its targets, size, pick strategy, health checking and the channel
 * settings every pooled channel is built with.
 *
 * <p>Size: {@link Builder#size(int)} fixes it (the default, 5 channels). {@link Builder#minSize(int)} and
 * {@link Builder#maxSize(int)} apart let the pool size itself between them: every {@code resizeInterval} it
 * adds channels when calls waited for a stream on their connection (the server's {@code MAX_CONCURRENT_STREAMS}
 * was reached) or calls in flight per channel rose above {@code callsPerChannel}'s high end, and removes them
 * when calls per channel fell below its low end without any waiting; at most {@code maxResizeStep} channels per
 * interval either way.
 *
 * <p>Built with {@link #builder(String)} (every channel dials the same target, e.g. a DNS name or a
 * {@code static:///} list) or {@link #builder(List)} (channel <i>i</i> dials target <i>i</i> mod <i>n</i>).
 * Each setter checks its value at once and, when it is out of range, throws an {@link IllegalArgumentException}
 * naming the setting, its range and the value; {@link Builder#build()} checks what involves several settings.
 * Settings that can be off (health service, keepalive, channel age, default service config) are off through an
 * explicit {@code disable…()} and read back as {@link Optional}, never as null.
 *
 * <p>Keepalive: the default is {@linkplain #DEFAULT_KEEPALIVE_TIME a ping after 5 minutes of silence, only
 * while calls are active}, which a grpc-java server with default settings accepts (it permits one ping every
 * 5 minutes and none without calls; more earns a GOAWAY {@code too_many_pings}). The widely copied 10-second
 * ping without calls is available as {@link Builder#aggressiveKeepAlive()} for servers configured to permit it.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class PoolConfig {

  /** Smallest and largest pool size. */
  public static final int MIN_SIZE = 1;
  public static final int MAX_SIZE = 1024;
  /** gRPC clamps a shorter keepalive time to this; the pool rejects it instead of changing it silently. */
  public static final Duration MIN_KEEPALIVE_TIME = Duration.ofSeconds(10);
  /** Upper bound of every duration setting, far beyond any sensible value but safe from overflow. */
  public static final Duration MAX_DURATION = Duration.ofDays(30);
  /**
   * Default band of calls in flight per channel, inside gRPC's guidance of 10 to 50 concurrent streams per
   * connection; wide, so that a pool that has just grown or shrunk does not turn straight back.
   */
  public static final int DEFAULT_CALLS_PER_CHANNEL_LOW = 10;
  public static final int DEFAULT_CALLS_PER_CHANNEL_HIGH = 50;
  /** gax-java's ChannelPool also moves by at most 2 channels per resize. */
  public static final int DEFAULT_MAX_RESIZE_STEP = 2;
  public static final Duration DEFAULT_RESIZE_INTERVAL = Duration.ofSeconds(10);

  /**
   * Equal to a default grpc-java server's {@code permitKeepAliveTime} (5 minutes): the shortest interval such a
   * server accepts, so dead connections are still found without ever provoking {@code too_many_pings}.
   */
  static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofMinutes(5);
  /**
   * The well-known pool article's keepalive: a ping every 10 seconds (gRPC's minimum), even without calls.
   * A server must opt in with {@code permitKeepAliveTime(10s)} and {@code permitKeepAliveWithoutCalls(true)};
   * a default server answers the third such ping with GOAWAY {@code too_many_pings}.
   */
  static final Duration AGGRESSIVE_KEEPALIVE_TIME = Duration.ofSeconds(10);

  /**
   * Creates the channel builder for one target; the pool then applies every other setting of the config to
   * it. Use it for in-process channels ({@code InProcessChannelBuilder::forName}), TLS, interceptors or
   * executors.
   */
  @FunctionalInterface
  public interface ChannelBuilderFactory {
    ManagedChannelBuilder<?> newBuilder(String target);
  }

  /** Plaintext channels through whatever transport is on the class path (Netty in most applications). */
  static final ChannelBuilderFactory PLAINTEXT_CHANNELS =
      target -> Grpc.newChannelBuilder(target, InsecureChannelCredentials.create());

  private final List<String> targets;
  private final int minSize;
  private final int maxSize;
  private final int callsPerChannelLow;
  private final int callsPerChannelHigh;
  private final Duration resizeInterval;
  private final int maxResizeStep;
  private final PickStrategy pickStrategy;
  private final Duration healthCheckInterval;
  private final Duration healthCheckTimeout;
  private final String healthServiceName;
  private final Duration connectTimeout;
  private final Duration keepAliveTime;
  private final Duration keepAliveTimeout;
  private final boolean keepAliveWithoutCalls;
  private final int maxInboundMessageSize;
  private final String loadBalancingPolicy;
  private final Map<String, ?> defaultServiceConfig;
  private final boolean retryEnabled;
  private final Duration maxChannelAge;
  private final Duration transientFailureGrace;
  private final Duration closeTimeout;
  private final ChannelBuilderFactory channelBuilderFactory;

  private PoolConfig(Builder b) {
    this.targets = List.copyOf(b.targets);
    this.minSize = b.minSize;
    this.maxSize = b.maxSize;
    this.callsPerChannelLow = b.callsPerChannelLow;
    this.callsPerChannelHigh = b.callsPerChannelHigh;
    this.resizeInterval = b.resizeInterval;
    this.maxResizeStep = b.maxResizeStep;
    this.pickStrategy = b.pickStrategy;
    this.healthCheckInterval = b.healthCheckInterval;
    this.healthCheckTimeout = b.healthCheckTimeout;
    this.healthServiceName = b.healthServiceName;
    this.connectTimeout = b.connectTimeout;
    this.keepAliveTime = b.keepAliveTime;
    this.keepAliveTimeout = b.keepAliveTimeout;
    this.keepAliveWithoutCalls = b.keepAliveWithoutCalls;
    this.maxInboundMessageSize = b.maxInboundMessageSize;
    this.loadBalancingPolicy = b.loadBalancingPolicy;
    this.defaultServiceConfig = b.defaultServiceConfig;
    this.retryEnabled = b.retryEnabled;
    this.maxChannelAge = b.maxChannelAge;
    this.transientFailureGrace = b.transientFailureGrace;
    this.closeTimeout = b.closeTimeout;
    this.channelBuilderFactory = b.channelBuilderFactory;
  }

  /**
   * A builder whose channels all dial {@code target}.
   *
   * @throws IllegalArgumentException if {@code target} is null or blank
   */
  public static Builder builder(String target) {
    return new Builder(Collections.singletonList(target));
  }

  /**
   * A builder whose channel <i>i</i> dials {@code targets.get(i % targets.size())}.
   *
   * @throws IllegalArgumentException if the list is null or empty, or holds a null or blank target
   */
  public static Builder builder(List<String> targets) {
    return new Builder(targets == null ? null : new ArrayList<>(targets));
  }

  /** A builder holding this config's values, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder(targets);
    b.minSize = minSize;
    b.maxSize = maxSize;
    b.callsPerChannelLow = callsPerChannelLow;
    b.callsPerChannelHigh = callsPerChannelHigh;
    b.resizeInterval = resizeInterval;
    b.maxResizeStep = maxResizeStep;
    b.pickStrategy = pickStrategy;
    b.healthCheckInterval = healthCheckInterval;
    b.healthCheckTimeout = healthCheckTimeout;
    b.healthServiceName = healthServiceName;
    b.connectTimeout = connectTimeout;
    b.keepAliveTime = keepAliveTime;
    b.keepAliveTimeout = keepAliveTimeout;
    b.keepAliveWithoutCalls = keepAliveWithoutCalls;
    b.maxInboundMessageSize = maxInboundMessageSize;
    b.loadBalancingPolicy = loadBalancingPolicy;
    b.defaultServiceConfig = defaultServiceConfig;
    b.retryEnabled = retryEnabled;
    b.maxChannelAge = maxChannelAge;
    b.transientFailureGrace = transientFailureGrace;
    b.closeTimeout = closeTimeout;
    b.channelBuilderFactory = channelBuilderFactory;
    return b;
  }

  /** The targets, in order; channel <i>i</i> dials {@code targets().get(i % targets().size())}. */
  public List<String> targets() {
    return targets;
  }

  /** The target channel {@code index} dials. */
  public String targetFor(int index) {
    return targets.get(Math.floorMod(index, targets.size()));
  }

  /** The channels a pool starts with: its fixed size, or for a pool that sizes itself, {@link #minSize()}. */
  public int size() {
    return minSize;
  }

  /** Fewest channels; equal to {@link #maxSize()} for a fixed size. */
  public int minSize() {
    return minSize;
  }

  /** Most channels; equal to {@link #minSize()} for a fixed size. */
  public int maxSize() {
    return maxSize;
  }

  /** Whether the pool sizes itself: {@code minSize < maxSize}. */
  public boolean sizesItself() {
    return minSize < maxSize;
  }

  /** Below this many calls in flight per channel (and no call waiting for a stream), a pool removes channels. */
  public int callsPerChannelLow() {
    return callsPerChannelLow;
  }

  /** Above this many calls in flight per channel, a pool adds channels. */
  public int callsPerChannelHigh() {
    return callsPerChannelHigh;
  }

  /** How often a pool that sizes itself decides whether to resize. */
  public Duration resizeInterval() {
    return resizeInterval;
  }

  /** Most channels added or removed by one resize. */
  public int maxResizeStep() {
    return maxResizeStep;
  }

  public PickStrategy pickStrategy() {
    return pickStrategy;
  }

  public Duration healthCheckInterval() {
    return healthCheckInterval;
  }

  public Duration healthCheckTimeout() {
    return healthCheckTimeout;
  }

  /** The grpc.health.v1 service checked ({@code ""}: the whole server); empty when only states are followed. */
  public Optional<String> healthServiceName() {
    return Optional.ofNullable(healthServiceName);
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Empty when keepalive is disabled. */
  public Optional<Duration> keepAliveTime() {
    return Optional.ofNullable(keepAliveTime);
  }

  public Duration keepAliveTimeout() {
    return keepAliveTimeout;
  }

  public boolean keepAliveWithoutCalls() {
    return keepAliveWithoutCalls;
  }

  public int maxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  public String loadBalancingPolicy() {
    return loadBalancingPolicy;
  }

  /** An unmodifiable copy; empty when none is set. */
  public Optional<Map<String, ?>> defaultServiceConfig() {
    return Optional.ofNullable(defaultServiceConfig);
  }

  public boolean retryEnabled() {
    return retryEnabled;
  }

  /** Empty when channels are never refreshed by age. */
  public Optional<Duration> maxChannelAge() {
    return Optional.ofNullable(maxChannelAge);
  }

  public Duration transientFailureGrace() {
    return transientFailureGrace;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  public ChannelBuilderFactory channelBuilderFactory() {
    return channelBuilderFactory;
  }

  @Override
  public String toString() {
    String sizing = sizesItself()
        ? minSize + ".." + maxSize + ", callsPerChannel=" + callsPerChannelLow + ".." + callsPerChannelHigh
            + ", resizeInterval=" + format(resizeInterval) + ", maxResizeStep=" + maxResizeStep
        : Integer.toString(minSize);
    return "PoolConfig{targets=" + targets + ", size=" + sizing + ", pickStrategy=" + pickStrategy
        + ", healthCheckInterval=" + format(healthCheckInterval)
        + ", healthCheckTimeout=" + format(healthCheckTimeout)
        + ", healthServiceName=" + (healthServiceName == null ? "off" : '"' + healthServiceName + '"')
        + ", connectTimeout=" + format(connectTimeout)
        + ", keepAliveTime=" + (keepAliveTime == null ? "off" : format(keepAliveTime))
        + ", keepAliveTimeout=" + format(keepAliveTimeout)
        + ", keepAliveWithoutCalls=" + keepAliveWithoutCalls
        + ", maxInboundMessageSize=" + maxInboundMessageSize
        + ", loadBalancingPolicy=" + loadBalancingPolicy
        + ", defaultServiceConfig=" + (defaultServiceConfig == null ? "none" : defaultServiceConfig)
        + ", retryEnabled=" + retryEnabled
        + ", maxChannelAge=" + (maxChannelAge == null ? "off" : format(maxChannelAge))
        + ", transientFailureGrace=" + format(transientFailureGrace)
        + ", closeTimeout=" + format(closeTimeout) + '}';
  }

  /** Formats a duration the way people write it ({@link DurationText}); {@code null} as "null". */
  static String format(Duration d) {
    return d == null ? "null" : DurationText.of(d);
  }

  /**
   * Collects the settings of a {@link PoolConfig}. Every setter checks its value at once (Caffeine's way): an
   * {@link IllegalArgumentException} names the setting, its range and the value.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private final List<String> targets;
    private int minSize = 5;
    private int maxSize = 5;
    private int callsPerChannelLow = DEFAULT_CALLS_PER_CHANNEL_LOW;
    private int callsPerChannelHigh = DEFAULT_CALLS_PER_CHANNEL_HIGH;
    private Duration resizeInterval = DEFAULT_RESIZE_INTERVAL;
    private int maxResizeStep = DEFAULT_MAX_RESIZE_STEP;
    private PickStrategy pickStrategy = PickStrategy.ROUND_ROBIN;
    private Duration healthCheckInterval = Duration.ofSeconds(30);
    private Duration healthCheckTimeout = Duration.ofSeconds(1);
    private String healthServiceName;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration keepAliveTime = DEFAULT_KEEPALIVE_TIME;
    private Duration keepAliveTimeout = Duration.ofSeconds(20);
    private boolean keepAliveWithoutCalls;
    private int maxInboundMessageSize = 4 * 1024 * 1024;
    private String loadBalancingPolicy = "round_robin";
    private Map<String, ?> defaultServiceConfig;
    private boolean retryEnabled = true;
    private Duration maxChannelAge;
    private Duration transientFailureGrace = Duration.ofSeconds(60);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private ChannelBuilderFactory channelBuilderFactory = PLAINTEXT_CHANNELS;

    private Builder(List<String> targets) {
      if (targets == null || targets.isEmpty()) {
        throw new IllegalArgumentException("targets must hold at least one target (was "
            + (targets == null ? "null" : "empty") + ")");
      }
      for (int i = 0; i < targets.size(); i++) {
        String t = targets.get(i);
        if (t == null || t.isBlank()) {
          String name = targets.size() == 1 ? "target" : "targets[" + i + "]";
          throw new IllegalArgumentException(name + " must not be blank (was "
              + (t == null ? "null" : '"' + t + '"') + ")");
        }
      }
      this.targets = targets;
    }

    /**
     * A fixed number of channels, {@value PoolConfig#MIN_SIZE}..{@value PoolConfig#MAX_SIZE}; default 5. Sets
     * both {@link #minSize} and {@link #maxSize}.
     */
    public Builder size(int size) {
      this.minSize = checkSize("size", size);
      this.maxSize = size;
      return this;
    }

    /**
     * Fewest channels of a pool that sizes itself, and the number it starts with,
     * {@value PoolConfig#MIN_SIZE}..{@value PoolConfig#MAX_SIZE}. {@link #build()} checks it against
     * {@link #maxSize}.
     */
    public Builder minSize(int minSize) {
      this.minSize = checkSize("minSize", minSize);
      return this;
    }

    /** Most channels of a pool that sizes itself, {@value PoolConfig#MIN_SIZE}..{@value PoolConfig#MAX_SIZE}. */
    public Builder maxSize(int maxSize) {
      this.maxSize = checkSize("maxSize", maxSize);
      return this;
    }

    private static int checkSize(String name, int size) {
      if (size < MIN_SIZE || size > MAX_SIZE) {
        throw new IllegalArgumentException(name + " must be between " + MIN_SIZE + " and " + MAX_SIZE
            + " (was " + size + ")");
      }
      return size;
    }

    /**
     * The band of calls in flight per channel a pool that sizes itself keeps to: it adds channels above
     * {@code high} and removes them below {@code low}; {@code 1 <= low < high}; default
     * {@value PoolConfig#DEFAULT_CALLS_PER_CHANNEL_LOW}..{@value PoolConfig#DEFAULT_CALLS_PER_CHANNEL_HIGH}.
     */
    public Builder callsPerChannel(int low, int high) {
      if (low < 1) {
        throw new IllegalArgumentException("callsPerChannel low must be at least 1 (was " + low + ")");
      }
      if (high <= low) {
        throw new IllegalArgumentException("callsPerChannel high must be greater than low (" + low + ") (was "
            + high + ")");
      }
      this.callsPerChannelLow = low;
      this.callsPerChannelHigh = high;
      return this;
    }

    /** How often a pool that sizes itself decides whether to resize; default 10s. */
    public Builder resizeInterval(Duration interval) {
      this.resizeInterval = positive("resizeInterval", interval, "");
      return this;
    }

    /**
     * Most channels one resize adds or removes, so a burst cannot open a storm of connections,
     * {@value PoolConfig#MIN_SIZE}..{@value PoolConfig#MAX_SIZE}; default
     * {@value PoolConfig#DEFAULT_MAX_RESIZE_STEP}.
     */
    public Builder maxResizeStep(int step) {
      this.maxResizeStep = checkSize("maxResizeStep", step);
      return this;
    }

    /** Default {@link PickStrategy#ROUND_ROBIN}. */
    public Builder pickStrategy(PickStrategy pickStrategy) {
      if (pickStrategy == null) {
        throw new IllegalArgumentException("pickStrategy must be one of ROUND_ROBIN, HEALTHY_FIRST, "
            + "LEAST_IN_FLIGHT, POWER_OF_TWO_CHOICES (was null)");
      }
      this.pickStrategy = pickStrategy;
      return this;
    }

    /** How often the health pass runs; default 30s. */
    public Builder healthCheckInterval(Duration interval) {
      this.healthCheckInterval = positive("healthCheckInterval", interval, "");
      return this;
    }

    /** Deadline of each grpc.health.v1 check; default 1s. */
    public Builder healthCheckTimeout(Duration timeout) {
      this.healthCheckTimeout = positive("healthCheckTimeout", timeout, "");
      return this;
    }

    /**
     * Also check channels with grpc.health.v1 {@code Check} for this service ({@code ""}: the whole server).
     * By default only connectivity states are followed.
     */
    public Builder healthServiceName(String serviceName) {
      if (serviceName == null) {
        throw new IllegalArgumentException("healthServiceName must be a service name, or \"\" for the whole "
            + "server (was null; disableHealthService() turns the checks off)");
      }
      this.healthServiceName = serviceName;
      return this;
    }

    /** Follow connectivity states only, without grpc.health.v1 checks (the default). */
    public Builder disableHealthService() {
      this.healthServiceName = null;
      return this;
    }

    /** TCP connect timeout where the transport supports one (Netty); default 10s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout, "");
      return this;
    }

    /** Ping after this long without reads, {@code 10s}..{@code 30d}; default 5m. */
    public Builder keepAliveTime(Duration time) {
      if (time == null || time.compareTo(MIN_KEEPALIVE_TIME) < 0 || time.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException("keepAliveTime must be between " + format(MIN_KEEPALIVE_TIME)
            + " and " + format(MAX_DURATION) + " (was " + format(time) + "; disableKeepAlive() turns it off)");
      }
      this.keepAliveTime = time;
      return this;
    }

    /** No keepalive pings at all. */
    public Builder disableKeepAlive() {
      this.keepAliveTime = null;
      return this;
    }

    /** How long to wait for a ping's ack before closing the connection; default 20s. */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = positive("keepAliveTimeout", timeout, "");
      return this;
    }

    /** Also ping while no call is active; default false (a default server rejects it). */
    public Builder keepAliveWithoutCalls(boolean enable) {
      this.keepAliveWithoutCalls = enable;
      return this;
    }

    /**
     * The well-known article's keepalive: a ping every 10s, even without calls. Only for servers that permit
     * it; a default grpc-java server closes such connections with GOAWAY {@code too_many_pings}.
     */
    public Builder aggressiveKeepAlive() {
      this.keepAliveTime = AGGRESSIVE_KEEPALIVE_TIME;
      this.keepAliveWithoutCalls = true;
      return this;
    }

    /** Largest response message accepted, in bytes; default 4 MiB. */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxInboundMessageSize must be between 1 and " + Integer.MAX_VALUE
            + " bytes (was " + bytes + ")");
      }
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /** Each channel's own policy over the addresses its target resolves to; default round_robin. */
    public Builder loadBalancingPolicy(String policy) {
      if (policy == null || policy.isBlank()) {
        throw new IllegalArgumentException("loadBalancingPolicy must be a registered policy such as "
            + "round_robin or pick_first (was " + (policy == null ? "null" : '"' + policy + '"') + ")");
      }
      if (LoadBalancerRegistry.getDefaultRegistry().getProvider(policy) == null) {
        throw new IllegalArgumentException("loadBalancingPolicy must be a registered policy such as "
            + "round_robin or pick_first (was \"" + policy + "\", which no LoadBalancerProvider on the "
            + "class path provides)");
      }
      this.loadBalancingPolicy = policy;
      return this;
    }

    /** Each channel's default service config (JSON as maps/lists), copied; its loadBalancingConfig wins. */
    public Builder defaultServiceConfig(Map<String, ?> serviceConfig) {
      if (serviceConfig == null) {
        throw new IllegalArgumentException("defaultServiceConfig must be a map (was null; "
            + "clearDefaultServiceConfig() removes it)");
      }
      this.defaultServiceConfig = Collections.unmodifiableMap(new LinkedHashMap<>(serviceConfig));
      return this;
    }

    /** No default service config (the default). */
    public Builder clearDefaultServiceConfig() {
      this.defaultServiceConfig = null;
      return this;
    }

    /** gRPC transparent retries and retry policies from the service config; default true. */
    public Builder retryEnabled(boolean enabled) {
      this.retryEnabled = enabled;
      return this;
    }

    /** Replace each channel after about this age, staggered with jitter; by default channels are never aged out. */
    public Builder maxChannelAge(Duration age) {
      this.maxChannelAge = positive("maxChannelAge", age, "; disableMaxChannelAge() never refreshes");
      return this;
    }

    /** Never replace a channel for its age (the default). */
    public Builder disableMaxChannelAge() {
      this.maxChannelAge = null;
      return this;
    }

    /** How long a channel may stay in TRANSIENT_FAILURE before it is replaced; default 60s. */
    public Builder transientFailureGrace(Duration grace) {
      this.transientFailureGrace = positive("transientFailureGrace", grace, "");
      return this;
    }

    /** How long {@link ChannelPool#close()} waits for in-flight calls before forcing, 0s..30d; default 5s. */
    public Builder closeTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException("closeTimeout must be between 0s and " + format(MAX_DURATION)
            + " (was " + format(timeout) + ")");
      }
      this.closeTimeout = timeout;
      return this;
    }

    /** Where channel builders come from; default plaintext {@code Grpc.newChannelBuilder}. */
    public Builder channelBuilderFactory(ChannelBuilderFactory factory) {
      if (factory == null) {
        throw new IllegalArgumentException("channelBuilderFactory must not be null "
            + "(plaintext channels are the default)");
      }
      this.channelBuilderFactory = factory;
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalArgumentException if {@code maxSize < minSize}, or there are fewer channels than targets
     */
    public PoolConfig build() {
      if (maxSize < minSize) {
        throw new IllegalArgumentException("maxSize must be at least minSize (" + minSize + ") (was " + maxSize
            + ")");
      }
      if (minSize < targets.size()) {
        String name = minSize == maxSize ? "size" : "minSize";
        throw new IllegalArgumentException(name + " must be at least the number of targets (" + targets.size()
            + ") so every target gets a channel (was " + minSize + ")");
      }
      return new PoolConfig(this);
    }

    private static Duration positive(String name, Duration d, String alternative) {
      if (d == null || d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(name + " must be greater than 0s and at most "
            + format(MAX_DURATION) + " (was " + format(d) + alternative + ")");
      }
      return d;
    }
  }
}
