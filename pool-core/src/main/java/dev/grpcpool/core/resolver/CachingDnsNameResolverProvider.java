package dev.grpcpool.core.resolver;

import io.grpc.Attributes;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A name resolver for {@code cached-dns:///host:port} targets that caches each host's addresses for a TTL, shares
 * the cache among all channels it resolves for, and keeps serving the last good addresses when a lookup fails.
 *
 * <p>pool-core registers nothing by itself (see the package documentation for the ways to opt in). Registered
 * with the no-argument constructor, in code or in the application's {@code META-INF/services} file, it is the
 * default instance (JVM resolver, {@link #DEFAULT_TTL}), and {@code ManagedChannelBuilder.forTarget(
 * "cached-dns:///myservice.internal:50051")} finds it. For another TTL, lookup function or clock, build an instance
 * and hand it to the channels by registry:
 *
 * <pre>{@code
 * CachingDnsNameResolverProvider dns = CachingDnsNameResolverProvider.builder().ttl(Duration.ofSeconds(10)).build();
 * NameResolverRegistry registry = new NameResolverRegistry();
 * registry.register(dns);
 * ChannelPool pool = ChannelPool.create(PoolConfig.builder("cached-dns:///myservice.internal:50051")
 *     .size(16)
 *     .channelBuilderFactory(t -> Grpc.newChannelBuilder(t, InsecureChannelCredentials.create(), registry))
 *     .build());
 * }</pre>
 *
 * <p>Behaviour, per host (the cache is per provider instance, so all channels of a pool share it and a pool of 16
 * does one lookup, not 16):
 * <ul>
 *   <li>an answer younger than the TTL is served without a lookup, also to {@code refresh()};
 *   <li>once it is older, the next {@code start()}, {@code refresh()} or the resolver's own expiry timer looks the
 *       host up again; concurrent requests share that one lookup, and a change of addresses it finds reaches every
 *       channel on the host, not only the one that asked; so does a host's first answer, also to channels whose own
 *       lookup failed and that would otherwise wait out their retry backoff;
 *   <li>a failed lookup of a host that resolved before serves the last good addresses, marked
 *       {@link #STALE}{@code = true} in the resolution attributes, counted by {@link #staleAnswers()} and logged,
 *       and is retried after another TTL;
 *   <li>a failed lookup of a host that never resolved gives the channel {@code UNAVAILABLE} naming the host and the
 *       lookup's error; it is not cached, so the channel's next retry looks up again.
 * </ul>
 * Hosts are never evicted: the cache holds one small entry per host name ever resolved. The resolver does not
 * consult a proxy detector; use {@code dns:///} targets when connecting through an HTTP CONNECT proxy.
 *
 * <p>This class is thread-safe.
 */
public final class CachingDnsNameResolverProvider extends NameResolverProvider {

  /** The URI scheme this provider resolves. */
  public static final String SCHEME = "cached-dns";

  /** TTL of the default instance, the one the no-argument constructor builds; the JDK also caches for 30 s. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  /** Set to {@code true} in a resolution result's attributes when the addresses are a stale, last-good answer. */
  public static final Attributes.Key<Boolean> STALE = Attributes.Key.create("dev.grpcpool.core.cached-dns.stale");

  /** Looks up the addresses of a host name. Called on the lookup executor, never on a gRPC thread. */
  @FunctionalInterface
  public interface Lookup {
    /**
     * Returns the host's addresses; an empty list counts as a failure.
     *
     * @throws Exception any failure, e.g. {@link java.net.UnknownHostException}; it is reported, never rethrown
     */
    List<InetAddress> lookup(String host) throws Exception;
  }

  private final CachingDnsCache cache;

  /**
   * The default instance, also the one {@link java.util.ServiceLoader} creates from a {@code META-INF/services}
   * file: JVM resolver, {@link #DEFAULT_TTL}, {@link System#nanoTime}.
   */
  public CachingDnsNameResolverProvider() {
    this(builder());
  }

  private CachingDnsNameResolverProvider(Builder builder) {
    Executor executor = builder.executor != null ? builder.executor : newLookupExecutor();
    this.cache = new CachingDnsCache(builder.lookup, builder.ttl.toNanos(), builder.clock, executor);
  }

  /** A builder with the defaults of the registered instance. */
  public static Builder builder() {
    return new Builder();
  }

  /** The JVM's resolver, {@link InetAddress#getAllByName}, which honours {@code /etc/hosts} and the JDK cache. */
  public static Lookup jvmLookup() {
    return host -> Arrays.asList(InetAddress.getAllByName(host));
  }

  /** How long an answer is served before the host is looked up again. */
  public Duration ttl() {
    return Duration.ofNanos(cache.ttlNanos());
  }

  /** Lookups started so far (each one call of the lookup function). */
  public long lookups() {
    return cache.lookups.sum();
  }

  /** Lookups that failed so far, whether a stale answer covered for them or not. */
  public long lookupFailures() {
    return cache.lookupFailures.sum();
  }

  /** Failed lookups for which the last good addresses were served instead. */
  public long staleAnswers() {
    return cache.staleAnswers.sum();
  }

  /** Requests answered from the cache without a lookup. */
  public long cacheHits() {
    return cache.cacheHits.sum();
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  /**
   * Returns a resolver for {@code cached-dns:///host[:port]}, or null for another scheme. The port defaults to
   * the channel's (443 for TLS, 80 for plaintext); an IPv6 address is written in brackets, percent-encoded
   * ({@code cached-dns:///%5B::1%5D:50051}).
   *
   * @throws IllegalArgumentException if the target has an authority (a DNS server, which is not supported), no
   *     host, or a port that is not a number in 1..65535; gRPC passes it on from the channel builder's
   *     {@code build()}, so a bad target fails there rather than on every call
   */
  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    if (targetUri.getAuthority() != null) {
      throw new IllegalArgumentException(
          "cached-dns targets take no authority (DNS server), use cached-dns:///host:port: " + targetUri);
    }
    String path = targetUri.getPath();
    if (path == null || !path.startsWith("/") || path.length() < 2) {
      throw new IllegalArgumentException("cached-dns target must be cached-dns:///host[:port]: " + targetUri);
    }
    String name = path.substring(1);
    // Checked here, not when the resolver publishes: an address it cannot build there fails inside the
    // channel's synchronization context, which breaks the channel for good.
    HostPort address = HostPort.parse(name, args.getDefaultPort(), "cached-dns target " + targetUri);
    return new CachingDnsNameResolver(address.host, address.port, name, cache, args);
  }

  @Override
  public String toString() {
    return "CachingDnsNameResolverProvider{ttl=" + ttl() + ", lookups=" + lookups()
        + ", staleAnswers=" + staleAnswers() + "}";
  }

  /**
   * Lookups block, so they run off gRPC's threads. Idle threads end after a few seconds, so a provider that nobody
   * closes (the registered one lives as long as the JVM) holds no thread between lookups.
   */
  private static Executor newLookupExecutor() {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
          Thread t = new Thread(runnable, "grpcpool-cached-dns");
          t.setDaemon(true);
          return t;
        });
    return executor;
  }

  /**
   * Settings of a {@link CachingDnsNameResolverProvider}. Setters check their argument at once.
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private Duration ttl = DEFAULT_TTL;
    private Lookup lookup = jvmLookup();
    private LongSupplier clock = System::nanoTime;
    private Executor executor;

    private Builder() {}

    /**
     * How long an answer is served before another lookup; default {@link #DEFAULT_TTL}.
     *
     * @throws IllegalArgumentException if not greater than 0
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be greater than 0, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** The lookup function; default {@link #jvmLookup()}. Tests inject one so they need no real DNS. */
    public Builder lookup(Lookup lookup) {
      this.lookup = Objects.requireNonNull(lookup, "lookup");
      return this;
    }

    /**
     * The clock the TTL is measured by, in nanoseconds like {@link System#nanoTime()} (the default). Tests inject
     * one they advance by hand, so expiry needs no sleeping.
     */
    public Builder clock(LongSupplier nanoTime) {
      this.clock = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /**
     * Where lookups run; default: a provider-owned pool of daemon threads that end when idle. Lookups may block,
     * so this must not be a gRPC event loop or the channel's executor.
     */
    public Builder lookupExecutor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public CachingDnsNameResolverProvider build() {
      return new CachingDnsNameResolverProvider(this);
    }
  }
}
