package dev.grpcpool.core;

import java.time.Duration;
import java.util.List;

/**
 * The range checks of {@link PoolConfig.Builder#build()}: each failure names the setting, its allowed range
 * and the rejected value, so a misconfiguration is fixed from the message alone.
 *
 * <p>Stateless; thread-safe.
 */
final class PoolConfigValidation {

  private PoolConfigValidation() {}

  /** Checked before the config is built, which copies the list. */
  static void validateTargets(List<String> targets) {
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
  }

  static void validate(PoolConfig c) {
    List<String> targets = c.targets();
    if (c.size() < PoolConfig.MIN_SIZE || c.size() > PoolConfig.MAX_SIZE) {
      throw new IllegalArgumentException("size must be between " + PoolConfig.MIN_SIZE + " and "
          + PoolConfig.MAX_SIZE + " (was " + c.size() + ")");
    }
    if (c.size() < targets.size()) {
      throw new IllegalArgumentException("size must be at least the number of targets (" + targets.size()
          + ") so every target gets a channel (was " + c.size() + ")");
    }
    if (c.pickStrategy() == null) {
      throw new IllegalArgumentException("pickStrategy must be one of ROUND_ROBIN, HEALTHY_FIRST, "
          + "LEAST_IN_FLIGHT, POWER_OF_TWO_CHOICES (was null)");
    }
    positive("healthCheckInterval", c.healthCheckInterval());
    positive("healthCheckTimeout", c.healthCheckTimeout());
    positive("connectTimeout", c.connectTimeout());
    Duration keepAlive = c.keepAliveTime();
    if (keepAlive != null && (keepAlive.compareTo(PoolConfig.MIN_KEEPALIVE_TIME) < 0
        || keepAlive.compareTo(PoolConfig.MAX_DURATION) > 0)) {
      throw new IllegalArgumentException("keepAliveTime must be between "
          + PoolConfig.format(PoolConfig.MIN_KEEPALIVE_TIME) + " and " + PoolConfig.format(PoolConfig.MAX_DURATION)
          + ", or null to disable keepalive (was " + PoolConfig.format(keepAlive) + ")");
    }
    positive("keepAliveTimeout", c.keepAliveTimeout());
    if (c.maxInboundMessageSize() < 1) {
      throw new IllegalArgumentException("maxInboundMessageSize must be between 1 and " + Integer.MAX_VALUE
          + " bytes (was " + c.maxInboundMessageSize() + ")");
    }
    String policy = c.loadBalancingPolicy();
    if (policy == null || policy.isBlank()) {
      throw new IllegalArgumentException("loadBalancingPolicy must be a registered policy such as "
          + "round_robin or pick_first (was " + (policy == null ? "null" : '"' + policy + '"') + ")");
    }
    if (!PoolConfig.isRegisteredPolicy(policy)) {
      throw new IllegalArgumentException("loadBalancingPolicy must be a registered policy such as "
          + "round_robin or pick_first (was \"" + policy + "\", which no LoadBalancerProvider on the "
          + "class path provides)");
    }
    if (c.maxChannelAge() != null) {
      positive("maxChannelAge", c.maxChannelAge(), ", or null to never refresh");
    }
    positive("transientFailureGrace", c.transientFailureGrace());
    Duration close = c.closeTimeout();
    if (close == null || close.isNegative() || close.compareTo(PoolConfig.MAX_DURATION) > 0) {
      throw new IllegalArgumentException("closeTimeout must be between 0s and "
          + PoolConfig.format(PoolConfig.MAX_DURATION) + " (was " + PoolConfig.format(close) + ")");
    }
    if (c.channelBuilderFactory() == null) {
      throw new IllegalArgumentException("channelBuilderFactory must not be null "
          + "(use PoolConfig.DEFAULT_CHANNEL_BUILDER_FACTORY for plaintext channels)");
    }
  }

  private static void positive(String name, Duration d) {
    positive(name, d, "");
  }

  private static void positive(String name, Duration d, String alternative) {
    if (d == null || d.isNegative() || d.isZero() || d.compareTo(PoolConfig.MAX_DURATION) > 0) {
      throw new IllegalArgumentException(name + " must be greater than 0s and at most "
          + PoolConfig.format(PoolConfig.MAX_DURATION) + alternative + " (was " + PoolConfig.format(d) + ")");
    }
  }
}
