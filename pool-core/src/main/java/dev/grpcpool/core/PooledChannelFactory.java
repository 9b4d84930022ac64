package dev.grpcpool.core;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the channels of a pool from the user's whole {@link PoolConfig}: the first channels and every
 * replacement get the same settings.
 *
 * <p>Settings a builder cannot take (an in-process channel has no keepalive; a single direct address has
 * no load-balancing policy) are skipped rather than failing the pool. The connect timeout is Netty's {@code CONNECT_TIMEOUT_MILLIS}; pool-core has no compile
 * dependency on Netty, so it is applied reflectively when the builder offers {@code withOption}.
 *
 * <p>This class is thread-safe.
 */
final class PooledChannelFactory {

  private static final Logger logger = Logger.getLogger(PooledChannelFactory.class.getName());

  private final PoolConfig config;

  PooledChannelFactory(PoolConfig config) {
    this.config = config;
  }

  /** A new, not yet connecting channel for {@code slot}. */
  PooledChannel create(Slot slot) {
    String target = slot.target;
    ManagedChannelBuilder<?> builder = config.channelBuilderFactory().newBuilder(target);
    if (builder == null) {
      throw new IllegalStateException("channelBuilderFactory returned null for target " + target);
    }
    apply(builder);
    ManagedChannel channel = builder.build();
    return new PooledChannel(slot, channel);
  }

  private void apply(ManagedChannelBuilder<?> builder) {
    builder.maxInboundMessageSize(config.maxInboundMessageSize());
    try {
      builder.defaultLoadBalancingPolicy(config.loadBalancingPolicy());
    } catch (IllegalStateException directAddress) {
      // Builders for one fixed address (InProcessChannelBuilder.forName, forAddress) have no resolver and
      // nothing to balance over; gRPC refuses a policy for them.
      logger.log(Level.FINE, "{0}: no load-balancing policy for a direct address",
          builder.getClass().getName());
    }
    config.defaultServiceConfig().ifPresent(builder::defaultServiceConfig);
    if (config.retryEnabled()) {
      builder.enableRetry();
    } else {
      builder.disableRetry();
    }
    Duration keepAlive = config.keepAliveTime().orElse(null);
    if (keepAlive != null) {
      try {
        builder.keepAliveTime(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
        builder.keepAliveTimeout(config.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
        builder.keepAliveWithoutCalls(config.keepAliveWithoutCalls());
      } catch (UnsupportedOperationException transportHasNoKeepAlive) {
        logger.log(Level.FINE, "{0} does not support keepalive; skipped", builder.getClass().getName());
      }
    }
    applyConnectTimeout(builder, config.connectTimeout());
  }

  /** Sets Netty's (or shaded Netty's) CONNECT_TIMEOUT_MILLIS through {@code withOption}, if present. */
  static boolean applyConnectTimeout(ManagedChannelBuilder<?> builder, Duration timeout) {
    for (Method m : builder.getClass().getMethods()) {
      if (!m.getName().equals("withOption") || m.getParameterCount() != 2) {
        continue;
      }
      Class<?> optionType = m.getParameterTypes()[0];
      try {
        Field field = optionType.getField("CONNECT_TIMEOUT_MILLIS");
        Object option = field.get(null);
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        m.invoke(builder, option, millis);
        return true;
      } catch (ReflectiveOperationException | RuntimeException notNettyOption) {
        logger.log(Level.FINE, "connect timeout not applied to " + builder.getClass().getName(),
            notNettyOption);
      }
    }
    return false;
  }
}
