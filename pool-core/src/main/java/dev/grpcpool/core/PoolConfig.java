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

/**
 * The settings of a {@link ChannelPool}: its targets, size, pick strategy, health checking and the channel
 * settings every pooled channel is built with.
 *
 * <p>Built with {@link #builder(String)} (every channel dials the same target, e.g. a DNS name or a
 * {@code static:///} list) or {@link #builder(List)} (channel <i>i</i> dials target <i>i</i> mod <i>n</i>).
 * {@link Builder#build()} checks every value and names the setting and its allowed range when one is out of it.
 *
 * <p>Keepalive: the default is {@linkplain #DEFAULT_KEEPALIVE_TIME a ping after 5 minutes of silence, only
 * while calls are active}, which a grpc-java server with default settings accepts (it permits one ping every
 * 5 minutes and none without calls; more earns a GOAWAY {@code too_many_pings}). The widely copied 10-second
 * ping without calls is available as {@link Builder#aggressiveKeepAlive()} for servers configured to permit it.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class PoolConfig {

  /** Smallest and largest pool size {@link Builder#build()} accepts. */
  public static final int MIN_SIZE = 1;
  public static final int MAX_SIZE = 1024;

  public static final int DEFAULT_SIZE = 5;
  public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Equal to a default grpc-java server's {@code permitKeepAliveTime} (5 minutes): the shortest interval such a
   * server accepts, so dead connections are still found without ever provoking {@code too_many_pings}.
   */
  public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofMinutes(5);
  /** gRPC's own default ping-ack timeout. */
  public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);
  /** A default grpc-java server counts any ping without active calls as abuse, so the default is off. */
  public static final boolean DEFAULT_KEEPALIVE_WITHOUT_CALLS = false;
  /**
   * The well-known pool article's keepalive: a ping every 10 seconds (gRPC's minimum), even without calls.
   * A server must opt in with {@code permitKeepAliveTime(10s)} and {@code permitKeepAliveWithoutCalls(true)};
   * a default server answers the third such ping with GOAWAY {@code too_many_pings}.
   */
  public static final Duration AGGRESSIVE_KEEPALIVE_TIME = Duration.ofSeconds(10);
  /** gRPC clamps a shorter keepalive time to this; the pool rejects it instead of changing it silently. */
  public static final Duration MIN_KEEPALIVE_TIME = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;
  public static final String DEFAULT_LOAD_BALANCING_POLICY = "round_robin";
  public static final Duration DEFAULT_TRANSIENT_FAILURE_GRACE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Upper bound of every duration setting, far beyond any sensible value but safe from overflow. */
  public static final Duration MAX_DURATION = Duration.ofDays(30);

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
  public static final ChannelBuilderFactory DEFAULT_CHANNEL_BUILDER_FACTORY =
      target -> Grpc.newChannelBuilder(target, InsecureChannelCredentials.create());

  private final List<String> targets;
  private final int size;
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
    this.targets = Collections.unmodifiableList(new ArrayList<>(b.targets));
    this.size = b.size;
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
    this.defaultServiceConfig = b.defaultServiceConfig == null
        ? null : Collections.unmodifiableMap(new LinkedHashMap<>(b.defaultServiceConfig));
    this.retryEnabled = b.retryEnabled;
    this.maxChannelAge = b.maxChannelAge;
    this.transientFailureGrace = b.transientFailureGrace;
    this.closeTimeout = b.closeTimeout;
    this.channelBuilderFactory = b.channelBuilderFactory;
  }

  /** A builder whose channels all dial {@code target}. */
  public static Builder builder(String target) {
    return new Builder(Collections.singletonList(target));
  }

  /** A builder whose channel <i>i</i> dials {@code targets.get(i % targets.size())}. */
  public static Builder builder(List<String> targets) {
    return new Builder(targets == null ? null : new ArrayList<>(targets));
  }

  /** A builder holding this config's values, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder(new ArrayList<>(targets));
    b.size = size;
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

  public int size() {
    return size;
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

  /** The grpc.health.v1 service to check; null: connectivity state only; "": the whole server. */
  public String healthServiceName() {
    return healthServiceName;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Null when keepalive is disabled. */
  public Duration keepAliveTime() {
    return keepAliveTime;
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

  /** Null when none is set; otherwise an unmodifiable view. */
  public Map<String, ?> defaultServiceConfig() {
    return defaultServiceConfig;
  }

  public boolean retryEnabled() {
    return retryEnabled;
  }

  /** Null when proactive refresh is off. */
  public Duration maxChannelAge() {
    return maxChannelAge;
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
    return "PoolConfig{targets=" + targets + ", size=" + size + ", pickStrategy=" + pickStrategy
        + ", healthCheckInterval=" + format(healthCheckInterval)
        + ", healthCheckTimeout=" + format(healthCheckTimeout)
        + ", healthServiceName=" + (healthServiceName == null ? null : '"' + healthServiceName + '"')
        + ", connectTimeout=" + format(connectTimeout)
        + ", keepAliveTime=" + (keepAliveTime == null ? "off" : format(keepAliveTime))
        + ", keepAliveTimeout=" + format(keepAliveTimeout)
        + ", keepAliveWithoutCalls=" + keepAliveWithoutCalls
        + ", maxInboundMessageSize=" + maxInboundMessageSize
        + ", loadBalancingPolicy=" + loadBalancingPolicy
        + ", defaultServiceConfig=" + defaultServiceConfig
        + ", retryEnabled=" + retryEnabled
        + ", maxChannelAge=" + (maxChannelAge == null ? "off" : format(maxChannelAge))
        + ", transientFailureGrace=" + format(transientFailureGrace)
        + ", closeTimeout=" + format(closeTimeout) + '}';
  }

  /** Formats a duration the way people write it: 500ms, 30s, 5m, 2h, 30d; anything else in ISO-8601. */
  static String format(Duration d) {
    if (d == null) {
      return "null";
    }
    if (d.isZero()) {
      return "0s";
    }
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException tooLong) {
      return d.toString();
    }
    long[] units = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};
    String[] names = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      if (nanos % units[i] == 0) {
        return nanos / units[i] + names[i];
      }
    }
    return d.toString();
  }

  /**
   * Collects the settings of a {@link PoolConfig}. Setters only record; {@link #build()} validates.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private final List<String> targets;
    private int size = DEFAULT_SIZE;
    private PickStrategy pickStrategy = PickStrategy.ROUND_ROBIN;
    private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
    private Duration healthCheckTimeout = DEFAULT_HEALTH_CHECK_TIMEOUT;
    private String healthServiceName;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration keepAliveTime = DEFAULT_KEEPALIVE_TIME;
    private Duration keepAliveTimeout = DEFAULT_KEEPALIVE_TIMEOUT;
    private boolean keepAliveWithoutCalls = DEFAULT_KEEPALIVE_WITHOUT_CALLS;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private String loadBalancingPolicy = DEFAULT_LOAD_BALANCING_POLICY;
    private Map<String, ?> defaultServiceConfig;
    private boolean retryEnabled = true;
    private Duration maxChannelAge;
    private Duration transientFailureGrace = DEFAULT_TRANSIENT_FAILURE_GRACE;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private ChannelBuilderFactory channelBuilderFactory = DEFAULT_CHANNEL_BUILDER_FACTORY;

    private Builder(List<String> targets) {
      this.targets = targets;
    }

    /** Number of channels, {@value PoolConfig#MIN_SIZE}..{@value PoolConfig#MAX_SIZE}; default {@value PoolConfig#DEFAULT_SIZE}. */
    public Builder size(int size) {
      this.size = size;
      return this;
    }

    /** Default {@link PickStrategy#ROUND_ROBIN}. */
    public Builder pickStrategy(PickStrategy pickStrategy) {
      this.pickStrategy = pickStrategy;
      return this;
    }

    /** How often the health pass runs; default 30s. */
    public Builder healthCheckInterval(Duration interval) {
      this.healthCheckInterval = interval;
      return this;
    }

    /** Deadline of each grpc.health.v1 check; default 1s. */
    public Builder healthCheckTimeout(Duration timeout) {
      this.healthCheckTimeout = timeout;
      return this;
    }

    /** Null (default): connectivity state only; "": the whole server; otherwise that service. */
    public Builder healthServiceName(String serviceName) {
      this.healthServiceName = serviceName;
      return this;
    }

    /** TCP connect timeout where the transport supports one (Netty); default 10s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** Ping after this long without reads; at least 10s; null disables keepalive; default 5m. */
    public Builder keepAliveTime(Duration time) {
      this.keepAliveTime = time;
      return this;
    }

    /** How long to wait for a ping's ack before closing the connection; default 20s. */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = timeout;
      return this;
    }

    /** Also ping while no call is active; default false (a default server rejects it). */
    public Builder keepAliveWithoutCalls(boolean enable) {
      this.keepAliveWithoutCalls = enable;
      return this;
    }

    /**
     * The well-known article's keepalive: {@link PoolConfig#AGGRESSIVE_KEEPALIVE_TIME 10s}, even without calls.
     * Only for servers that permit it; a default grpc-java server closes such connections with GOAWAY
     * {@code too_many_pings}.
     */
    public Builder aggressiveKeepAlive() {
      this.keepAliveTime = AGGRESSIVE_KEEPALIVE_TIME;
      this.keepAliveWithoutCalls = true;
      return this;
    }

    /** Largest response message accepted, in bytes; default 4 MiB. */
    public Builder maxInboundMessageSize(int bytes) {
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /** Each channel's own policy over the addresses its target resolves to; default round_robin. */
    public Builder loadBalancingPolicy(String policy) {
      this.loadBalancingPolicy = policy;
      return this;
    }

    /** Each channel's default service config (JSON as maps/lists); its loadBalancingConfig wins. */
    public Builder defaultServiceConfig(Map<String, ?> serviceConfig) {
      this.defaultServiceConfig = serviceConfig;
      return this;
    }

    /** gRPC transparent retries and retry policies from the service config; default true. */
    public Builder retryEnabled(boolean enabled) {
      this.retryEnabled = enabled;
      return this;
    }

    /** Replace each channel after about this age, staggered with jitter; null (default) = never. */
    public Builder maxChannelAge(Duration age) {
      this.maxChannelAge = age;
      return this;
    }

    /** How long a channel may stay in TRANSIENT_FAILURE before it is replaced; default 60s. */
    public Builder transientFailureGrace(Duration grace) {
      this.transientFailureGrace = grace;
      return this;
    }

    /** How long {@link ChannelPool#close()} waits for in-flight calls before forcing; default 5s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = timeout;
      return this;
    }

    /** Where channel builders come from; default plaintext {@code Grpc.newChannelBuilder}. */
    public Builder channelBuilderFactory(ChannelBuilderFactory factory) {
      this.channelBuilderFactory = factory;
      return this;
    }

    /**
     * Validates and builds the config.
     *
     * @throws IllegalArgumentException naming the first setting that is out of range, and its range
     */
    public PoolConfig build() {
      PoolConfigValidation.validateTargets(targets);
      PoolConfig config = new PoolConfig(this);
      PoolConfigValidation.validate(config);
      return config;
    }
  }

  static boolean isRegisteredPolicy(String policy) {
    return LoadBalancerRegistry.getDefaultRegistry().getProvider(policy) != null;
  }
}
