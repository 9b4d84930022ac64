package dev.grpcpool.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A layer-4 load balancer in front of a {@link BenchFleet}: one listening address on 127.0.0.1; each accepted
 * TCP connection is pinned to one backend, and its bytes are copied both ways with no knowledge of HTTP/2 or
 * gRPC — what a Kubernetes ClusterIP service (kube-proxy) or a cloud network load balancer does. A gRPC channel
 * holds one connection, so all its calls go to one backend, however many backends there are.
 *
 * <p>{@link Mode} chooses the backend of a new connection among those serving at that moment (a stopped
 * backend is skipped, as a deleted pod leaves the endpoints). When a backend stops, its connections close and
 * so do the client connections pinned to them, as a client of a deleted pod sees. An optional delay per
 * direction emulates network latency on one machine: every chunk of bytes is forwarded that long after it
 * arrived, in order, so a call's round trip grows by twice the delay.
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} client connections at once (more are closed on accept), two
 * event-loop threads named {@code grpcpool-l4-*}, gone after {@link #close()}. Started with
 * {@link BenchFleet#startL4} and closed with the fleet, or earlier by {@link #close()}.
 *
 * <p>This class is thread-safe.
 */
public final class L4Balancer implements AutoCloseable {

  /** How a new connection's backend is chosen. */
  public enum Mode {
    /** A uniformly random serving backend per connection: kube-proxy in iptables mode. */
    RANDOM,
    /** Serving backends in turn: IPVS {@code rr}, most cloud network load balancers. */
    ROUND_ROBIN,
    /** The serving backend with the fewest open connections (ties in turn): IPVS {@code lc}. */
    LEAST_CONNECTIONS;

    /** Parses {@code random}, {@code round-robin} or {@code least-connections} (any case, - or _). */
    public static Mode parse(String text) {
      String normalized = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (Mode m : values()) {
        if (m.name().equals(normalized)) {
          return m;
        }
      }
      throw new IllegalArgumentException("L4 mode must be random, round-robin or least-connections (was "
          + (text == null ? "null" : '"' + text + '"') + ")");
    }

    /** The lower-case, dashed name used on the command line. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Client connections open at once beyond which new ones are closed on accept. */
  public static final int MAX_CONNECTIONS = 10_000;
  /** Largest delay per direction. */
  public static final Duration MAX_DELAY = Duration.ofSeconds(1);

  private final BenchFleet fleet;
  private final Mode mode;
  private final long delayNanos;
  private final EventLoopGroup group;
  private final Channel listener;
  private final AtomicIntegerArray open;
  private final AtomicLongArray accepted;
  private final AtomicInteger clients = new AtomicInteger();
  private final AtomicInteger turn = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  private L4Balancer(BenchFleet fleet, Mode mode, Duration delay) {
    this.fleet = fleet;
    this.mode = mode;
    this.delayNanos = delay.toNanos();
    this.open = new AtomicIntegerArray(fleet.size());
    this.accepted = new AtomicLongArray(fleet.size());
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "grpcpool-l4-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.group = new MultiThreadIoEventLoopGroup(2, factory, NioIoHandler.newFactory());
    try {
      this.listener = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childOption(ChannelOption.AUTO_READ, false)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel client) {
              client.pipeline().addLast(new ClientSide());
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
  }

  /**
   * Starts a balancer in front of {@code fleet}'s Netty backends (see {@link BenchFleet#startL4}).
   *
   * @param delay added to each direction (0 for none), at most {@link #MAX_DELAY}
   * @throws IllegalArgumentException for an in-process fleet, a null mode or a delay out of range
   */
  static L4Balancer start(BenchFleet fleet, Mode mode, Duration delay) {
    if (fleet == null || fleet.isInProcess()) {
      throw new IllegalArgumentException("an L4 balancer needs a fleet of Netty backends (TCP), not in-process ones");
    }
    if (mode == null) {
      throw new IllegalArgumentException("L4 mode must be random, round-robin or least-connections (was null)");
    }
    if (delay == null || delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("L4 delay must be between 0 and " + MAX_DELAY.toMillis() + "ms (was "
          + delay + ")");
    }
    return new L4Balancer(fleet, mode, delay);
  }

  /** The one address clients dial, {@code 127.0.0.1:<port>}. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  public Mode mode() {
    return mode;
  }

  public Duration delay() {
    return Duration.ofNanos(delayNanos);
  }

  /** Connections open now to each backend, by backend index. */
  public List<Integer> openConnections() {
    List<Integer> list = new ArrayList<>(open.length());
    for (int i = 0; i < open.length(); i++) {
      list.add(open.get(i));
    }
    return list;
  }

  /** Connections pinned to each backend since the start, by backend index. */
  public List<Long> acceptedConnections() {
    List<Long> list = new ArrayList<>(accepted.length());
    for (int i = 0; i < accepted.length(); i++) {
      list.add(accepted.get(i));
    }
    return list;
  }

  /** Stops listening, closes every connection and ends the balancer's threads. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      listener.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Override
  public String toString() {
    return "L4Balancer{" + target() + ", mode=" + mode.cliName() + ", delay=" + delay() + ", backends="
        + fleet.size() + '}';
  }

  /** The backend for a new connection, or -1 if none is serving. */
  int choose() {
    int n = fleet.size();
    List<Integer> serving = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (fleet.backend(i).isServing()) {
        serving.add(i);
      }
    }
    if (serving.isEmpty()) {
      return -1;
    }
    switch (mode) {
      case RANDOM:
        return serving.get(ThreadLocalRandom.current().nextInt(serving.size()));
      case ROUND_ROBIN:
        return serving.get(Math.floorMod(turn.getAndIncrement(), serving.size()));
      case LEAST_CONNECTIONS:
      default:
        int start = Math.floorMod(turn.getAndIncrement(), serving.size());
        int best = -1;
        for (int k = 0; k < serving.size(); k++) {
          int i = serving.get((start + k) % serving.size());
          if (best < 0 || open.get(i) < open.get(best)) {
            best = i;
          }
        }
        return best;
    }
  }

  /** Forwards {@code msg} to {@code to} now or after the delay; reads stop while {@code to} cannot keep up. */
  private void forward(Object msg, Channel from, Channel to) {
    Runnable write = () -> {
      if (!to.isActive()) {
        ReferenceCountUtil.release(msg);
        return;
      }
      to.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          from.close();
        }
      });
    };
    if (delayNanos == 0) {
      write.run();
    } else {
      // Netty runs scheduled tasks by deadline, then in submission order: the bytes keep their order. What
      // arrives during the delay is held here (about rate × delay bytes), as a network link holds it.
      from.eventLoop().schedule(write, delayNanos, TimeUnit.NANOSECONDS);
    }
    // Read on only while the other side keeps up; channelWritabilityChanged resumes reading when it drains.
    if (to.isWritable()) {
      from.read();
    }
  }

  private static void closeOnFlush(Channel channel) {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The accepted connection: picks a backend, connects to it on the same event loop, then relays. */
  private final class ClientSide extends ChannelInboundHandlerAdapter {
    private Channel backend;
    private int index = -1;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel client = ctx.channel();
      if (clients.incrementAndGet() > MAX_CONNECTIONS || (index = choose()) < 0) {
        client.close();
        return;
      }
      accepted.incrementAndGet(index);
      open.incrementAndGet(index);
      int port = fleet.backend(index).port();
      ChannelFuture connect = new Bootstrap()
          .group(client.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new BackendSide(client))
          .connect(new InetSocketAddress("127.0.0.1", port));
      backend = connect.channel();
      connect.addListener((ChannelFutureListener) f -> {
        if (f.isSuccess()) {
          client.read();
          backend.read();
        } else {
          client.close();
        }
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      forward(msg, ctx.channel(), backend);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable() && backend != null) {
        backend.read();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      clients.decrementAndGet();
      if (index >= 0) {
        open.decrementAndGet(index);
      }
      closeOnFlush(backend);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The connection to the backend: relays its bytes back; its close closes the client's connection. */
  private final class BackendSide extends ChannelInboundHandlerAdapter {
    private final Channel client;

    BackendSide(Channel client) {
      this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      forward(msg, ctx.channel(), client);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        client.read();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (delayNanos == 0) {
        closeOnFlush(client);
      } else {
        // After the bytes still on their way, as a real network would deliver them before the FIN.
        ctx.channel().eventLoop().schedule(() -> closeOnFlush(client), delayNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
