package dev.grpcpool.bench.reliability;

import dev.grpcpool.core.PoolConfig;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link PoolConfig.ChannelBuilderFactory} for Netty channels that counts connection attempts: gRPC's Netty
 * transport creates one socket channel per attempt, so counting socket channels counts every dial, including
 * those refused while a backend is down (which a server-side counter cannot see).
 *
 * <p>The channels share one event loop group owned by this object; close it after the pools using it.
 *
 * <p>This class is thread-safe.
 */
final class CountingNettyChannels implements AutoCloseable {

  private final AtomicInteger attempts = new AtomicInteger();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
      new DefaultThreadFactory("reliability-client", true), NioIoHandler.newFactory());
  private final ChannelCredentials credentials;

  CountingNettyChannels() {
    this(InsecureChannelCredentials.create());
  }

  CountingNettyChannels(ChannelCredentials credentials) {
    this.credentials = credentials;
  }

  /** Channel builders that dial through this object's counter and event loops. */
  PoolConfig.ChannelBuilderFactory factory() {
    return target -> NettyChannelBuilder.forTarget(target, credentials)
        .eventLoopGroup(group)
        .channelFactory(() -> {
          attempts.incrementAndGet();
          return new NioSocketChannel();
        }, InetSocketAddress.class);
  }

  /** Connection attempts so far. */
  int attempts() {
    return attempts.get();
  }

  @Override
  public void close() throws InterruptedException {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    group.terminationFuture().await(10, TimeUnit.SECONDS);
  }
}
