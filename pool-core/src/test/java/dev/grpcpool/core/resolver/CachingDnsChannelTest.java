package dev.grpcpool.core.resolver;

import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link CachingDnsNameResolverProvider} behind real channels: Netty channels (and a {@link ChannelPool})
 * to Netty servers on 127.0.0.1, and 127.0.0.2 (Linux loopback) when two hosts must share one port. An injected
 * lookup and clock stand in for DNS and time.
 */
class CachingDnsChannelTest {

  private static final String HOST = "backends.test";
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

  private final AtomicLong clockNanos = new AtomicLong(1_000_000_000L);
  private final CachingDnsFakeLookup lookup = new CachingDnsFakeLookup();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private ExecutorService lookupExecutor;
  private CachingDnsNameResolverProvider provider;
  private NameResolverRegistry registry;

  @BeforeEach
  void setUp() {
    lookupExecutor = Executors.newCachedThreadPool();
    provider = CachingDnsNameResolverProvider.builder()
        .ttl(TTL)
        .lookup(lookup)
        .clock(clockNanos::get)
        .lookupExecutor(lookupExecutor)
        .build();
    registry = new NameResolverRegistry();
    registry.register(provider);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (Server s : servers) {
      s.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      assertThat(c.awaitTermination(5, SECONDS)).as("channel terminated").isTrue();
    }
    for (Server s : servers) {
      assertThat(s.awaitTermination(5, SECONDS)).as("server terminated").isTrue();
    }
    lookupExecutor.shutdownNow();
    assertThat(lookupExecutor.awaitTermination(5, SECONDS)).isTrue();
  }

  // ---------------------------------------------------------------- registration and cache

  @Test
  void forTarget_findsRegisteredProviderAndConnects() throws IOException {
    Server a = startBackend("127.0.0.1", 0, "a");
    assertThat(NameResolverRegistry.getDefaultRegistry().getProviderForScheme("cached-dns"))
        .isInstanceOf(CachingDnsNameResolverProvider.class);
    // An IP literal resolves without DNS, so the registered default instance (JVM lookup) can be exercised.
    ManagedChannel channel = track(ManagedChannelBuilder
        .forTarget("cached-dns:///127.0.0.1:" + a.getPort()).usePlaintext().build());

    assertThat(call(channel)).isEqualTo("a");
  }

  @Test
  void secondChannel_withinTtl_isServedFromCache() throws IOException {
    Server a = startBackend("127.0.0.1", 0, "a");
    lookup.answer(HOST, "127.0.0.1");

    assertThat(call(channel(a.getPort()))).isEqualTo("a");
    clockNanos.addAndGet(TTL.toNanos() - 1);
    assertThat(call(channel(a.getPort()))).isEqualTo("a");

    assertThat(lookup.calls(HOST)).isEqualTo(1);
    assertThat(provider.lookups()).isEqualTo(1);
    assertThat(provider.cacheHits()).isGreaterThanOrEqualTo(1);
  }

  // ---------------------------------------------------------------- targets

  @Test
  void portOutOfRange_failsChannelAndPoolCreation_insteadOfEveryCall() {
    String target = "cached-dns:///" + HOST + ":99999";
    assertThatThrownBy(() -> track(Grpc.newChannelBuilder(target, InsecureChannelCredentials.create(), registry)
            .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(target)
        .hasMessageContaining("port 99999 is out of range 1..65535");

    String poolTarget = "cached-dns:///" + HOST + ":65536";
    assertThatThrownBy(() -> ChannelPool.create(PoolConfig.builder(poolTarget)
            .size(2)
            .channelBuilderFactory(t -> Grpc.newChannelBuilder(t, InsecureChannelCredentials.create(), registry))
            .build())
            .close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(poolTarget)
        .hasMessageContaining("port 65536 is out of range 1..65535");
    assertThat(lookup.calls(HOST)).as("nothing was resolved").isZero();
  }

  // ---------------------------------------------------------------- failures

  @Test
  void failedLookup_withHistory_keepsNewChannelsWorking() throws IOException {
    Server a = startBackend("127.0.0.1", 0, "a");
    lookup.answer(HOST, "127.0.0.1");
    assertThat(call(channel(a.getPort()))).isEqualTo("a");

    lookup.fail(HOST, new UnknownHostException("DNS server unreachable"));
    clockNanos.addAndGet(TTL.toNanos() + 1);

    assertThat(call(channel(a.getPort()))).isEqualTo("a");
    assertThat(lookup.calls(HOST)).isEqualTo(2);
    assertThat(provider.staleAnswers()).isEqualTo(1);
  }

  @Test
  void failedLookup_withoutHistory_failsCallsWithUnavailableNamingHostAndError() {
    lookup.fail("nowhere.test", new UnknownHostException("nowhere.test: Name or service not known"));
    ManagedChannel channel = track(Grpc.newChannelBuilder(
        "cached-dns:///nowhere.test:50051", InsecureChannelCredentials.create(), registry).build());

    assertThatThrownBy(() -> call(channel))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription())
              .contains("nowhere.test")
              .contains("Name or service not known");
        });
    assertThat(provider.staleAnswers()).isZero();
    assertThat(provider.lookupFailures()).isGreaterThanOrEqualTo(1);
  }

  // ---------------------------------------------------------------- address changes and sharing

  @Test
  void addressChange_reachesRoundRobinOfLiveChannel() throws IOException {
    Server[] pair = startPairOnOnePort();
    int port = pair[0].getPort();
    lookup.answer(HOST, "127.0.0.1");
    ManagedChannel live = channel(port);
    assertThat(backendsSeen(live, 6)).containsExactly("a");

    lookup.answer(HOST, "127.0.0.1", "127.0.0.2");
    clockNanos.addAndGet(TTL.toNanos() + 1);
    // Another channel on the same host makes the lookup; the live channel must get the new list from the cache.
    assertThat(call(channel(port))).isIn("a", "b");

    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(backendsSeen(live, 6)).containsExactlyInAnyOrder("a", "b"));
    assertThat(lookup.calls(HOST)).isEqualTo(2);
  }

  @Test
  void movedBackend_afterTtl_channelRefreshFindsNewAddress() throws IOException {
    Server[] pair = startPairOnOnePort();
    lookup.answer(HOST, "127.0.0.1");
    ManagedChannel channel = channel(pair[0].getPort());
    assertThat(call(channel)).isEqualTo("a");

    lookup.answer(HOST, "127.0.0.2");
    clockNanos.addAndGet(TTL.toNanos() + 1);
    pair[0].shutdownNow();

    // The channel's load balancer asks the resolver to refresh when its connection drops.
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .untilAsserted(() -> assertThat(call(channel)).isEqualTo("b"));
  }

  @Test
  void firstAnswer_reachesChannelsWhoseLookupsFailed_beforeTheirOwnRetries() throws Exception {
    Server a = startBackend("127.0.0.1", 0, "a");
    String target = "cached-dns:///" + HOST + ":" + a.getPort();
    lookup.fail(HOST, new UnknownHostException(HOST + ": not in DNS yet"));
    List<RefreshCountingProvider> resolvers = new ArrayList<>();
    List<ManagedChannel> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // Each channel gets the shared provider through its own counting wrapper, to see when it retries.
      RefreshCountingProvider counting = new RefreshCountingProvider(provider);
      NameResolverRegistry own = new NameResolverRegistry();
      own.register(counting);
      ManagedChannel channel = track(Grpc.newChannelBuilder(target, InsecureChannelCredentials.create(), own).build());
      channel.getState(true);
      resolvers.add(counting);
      waiting.add(channel);
    }
    // Two failed retries each: gRPC backs off 1 s, 1.6 s, 2.56 s (each +-20 %), so the next retry of every
    // channel is at least 2 s away; only the cache can bring them the answer sooner.
    await().atMost(Duration.ofSeconds(20))
        .until(() -> resolvers.stream().allMatch(r -> r.refreshes.get() >= 2));
    assertThat(waiting).allMatch(c -> c.getState(false) == ConnectivityState.TRANSIENT_FAILURE);

    lookup.answer(HOST, "127.0.0.1");
    ManagedChannel newcomer = channel(a.getPort());
    assertThat(SimpleServiceGrpc.newBlockingStub(newcomer).withWaitForReady().withDeadlineAfter(CALL_DEADLINE)
        .unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage()).isEqualTo("a");

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
        .until(() -> waiting.stream().allMatch(c -> c.getState(false) == ConnectivityState.READY));
    assertThat(waiting).allSatisfy(c -> assertThat(call(c)).isEqualTo("a"));
  }

  @Test
  void poolOfSixteen_sharesOneLookup() throws Exception {
    Server a = startBackend("127.0.0.1", 0, "a");
    lookup.answer(HOST, "127.0.0.1");
    lookup.delayNanos = 50_000_000L; // so the channels' first requests overlap the running lookup
    // The pool starts connecting all 16 channels at once, so all 16 resolvers ask together.
    ChannelPool pool = ChannelPool.create(PoolConfig.builder("cached-dns:///" + HOST + ":" + a.getPort())
        .size(16)
        .pickStrategy(PickStrategy.ROUND_ROBIN)
        .channelBuilderFactory(t -> Grpc.newChannelBuilder(t, InsecureChannelCredentials.create(), registry))
        .build());
    try {
      for (int i = 0; i < 32; i++) {
        assertThat(call(pool)).isEqualTo("a");
      }
      assertThat(pool.stats().channels()).allSatisfy(c -> assertThat(c.callsOk()).isEqualTo(2));
    } finally {
      pool.close();
    }

    assertThat(lookup.calls(HOST)).isEqualTo(1);
    assertThat(provider.lookups()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- helpers

  private ManagedChannel channel(int port) {
    return track(Grpc.newChannelBuilder(
            "cached-dns:///" + HOST + ":" + port, InsecureChannelCredentials.create(), registry)
        .defaultLoadBalancingPolicy("round_robin")
        .build());
  }

  private ManagedChannel track(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  private static String call(ManagedChannel channel) {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE)
        .unaryRpc(SimpleRequest.getDefaultInstance())
        .getResponseMessage();
  }

  private static Set<String> backendsSeen(ManagedChannel channel, int calls) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < calls; i++) {
      seen.add(call(channel));
    }
    return seen;
  }

  /**
   * Hands out the shared provider's resolvers wrapped so the test sees each {@code refresh()}, which is how a
   * channel retries a failed resolution after its backoff.
   */
  private static final class RefreshCountingProvider extends NameResolverProvider {
    private final NameResolverProvider delegate;
    final AtomicInteger refreshes = new AtomicInteger();

    RefreshCountingProvider(NameResolverProvider delegate) {
      this.delegate = delegate;
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
      return delegate.getDefaultScheme();
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
      return delegate.getProducedSocketAddressTypes();
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
      NameResolver resolver = delegate.newNameResolver(targetUri, args);
      return new NameResolver() {
        @Override
        public String getServiceAuthority() {
          return resolver.getServiceAuthority();
        }

        @Override
        public void start(Listener2 listener) {
          resolver.start(listener);
        }

        @Override
        public void refresh() {
          refreshes.incrementAndGet();
          resolver.refresh();
        }

        @Override
        public void shutdown() {
          resolver.shutdown();
        }
      };
    }
  }

  private Server startBackend(String host, int port, String id) throws IOException {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            response.onNext(SimpleResponse.newBuilder().setResponseMessage(id).build());
            response.onCompleted();
          }
        })
        .build()
        .start();
    servers.add(server);
    return server;
  }

  /** Backend "a" on 127.0.0.1 and "b" on 127.0.0.2, same port: two hosts behind one name and one target port. */
  private Server[] startPairOnOnePort() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      Server a = startBackend("127.0.0.1", 0, "a");
      try {
        return new Server[] {a, startBackend("127.0.0.2", a.getPort(), "b")};
      } catch (IOException e) {
        last = e;
        a.shutdownNow();
      }
    }
    throw last;
  }
}
