package dev.grpcpool.core.resolver;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelLogger;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tests for {@link CachingDnsNameResolverProvider} at the resolver level: the resolver is driven the way a channel
 * drives it (from a {@link SynchronizationContext}) and what it reports is recorded. An injected lookup and clock
 * stand in for DNS and time. {@link CachingDnsChannelTest} covers the same provider behind real channels.
 */
class CachingDnsNameResolverProviderTest {

  private static final String HOST = "backends.test";
  private static final Duration TTL = Duration.ofSeconds(30);

  private final AtomicLong clockNanos = new AtomicLong(1_000_000_000L);
  private final CachingDnsFakeLookup lookup = new CachingDnsFakeLookup();
  private final List<NameResolver> resolvers = new ArrayList<>();
  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
  private final SynchronizationContext syncContext = new SynchronizationContext((t, e) -> uncaught.add(e));
  private ExecutorService lookupExecutor;
  private ScheduledExecutorService scheduler;
  private CachingDnsNameResolverProvider provider;

  @BeforeEach
  void setUp() {
    lookupExecutor = Executors.newCachedThreadPool();
    scheduler = Executors.newSingleThreadScheduledExecutor();
    provider = CachingDnsNameResolverProvider.builder()
        .ttl(TTL)
        .lookup(lookup)
        .clock(clockNanos::get)
        .lookupExecutor(lookupExecutor)
        .build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    // Resolvers first, and wait until their shutdown has run: the synchronization context may be draining on
    // another thread (an expiry timer firing, a lookup finishing), which then runs the shutdown after its own
    // work, and that work may schedule the next expiry. Once shut down, a resolver schedules nothing, so the
    // lookups and the scheduler can stop without rejecting a timer.
    for (NameResolver r : resolvers) {
      syncContext.execute(r::shutdown);
    }
    CountDownLatch drained = new CountDownLatch(1);
    syncContext.execute(drained::countDown);
    assertThat(drained.await(5, SECONDS)).as("resolvers shut down").isTrue();
    lookupExecutor.shutdownNow();
    assertThat(lookupExecutor.awaitTermination(5, SECONDS)).isTrue();
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(5, SECONDS)).isTrue();
    assertThat(uncaught).as("exceptions in the synchronization context").isEmpty();
  }

  // ---------------------------------------------------------------- targets

  @Test
  void newNameResolver_rejectsAuthorityAndIgnoresOtherSchemes() {
    NameResolver.Args args = resolverArgs();
    assertThat(provider.newNameResolver(URI.create("dns:///x.test:1"), args)).isNull();
    assertThatThrownBy(() -> provider.newNameResolver(URI.create("cached-dns://8.8.8.8/x.test:1"), args))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("authority");
    assertThat(provider.newNameResolver(URI.create("cached-dns:///x.test"), args).getServiceAuthority())
        .isEqualTo("x.test");
    assertThat(provider.newNameResolver(URI.create("cached-dns:///x.test:8443"), args).getServiceAuthority())
        .isEqualTo("x.test:8443");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "cached-dns:///x.test:99999|port 99999 is out of range 1..65535",
      "cached-dns:///x.test:65536|port 65536 is out of range 1..65535",
      "cached-dns:///x.test:0|port 0 is out of range 1..65535",
      "cached-dns:///x.test:-1|port \"-1\" is not a number in 1..65535",
      "cached-dns:///x.test:http|port \"http\" is not a number in 1..65535",
      "cached-dns:///x.test:|no port after ':'",
      "cached-dns:///x.test:1234:5678|more than one ':'; write host:port, and an IPv6 address in brackets, [::1]:443",
      "cached-dns:///:443|no host before the port",
      "cached-dns:///%5B::1:443|'[' is not closed by ']'"})
  void badHostOrPort_isRejectedNamingTheProblemAndTheTarget(String target, String problem) {
    assertThatThrownBy(() -> provider.newNameResolver(URI.create(target), resolverArgs()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cached-dns target " + target + ": " + problem);
  }

  @Test
  void portsAtTheEndsOfTheRange_andBracketedIpv6_areAccepted() {
    NameResolver.Args args = resolverArgs();
    assertThat(provider.newNameResolver(URI.create("cached-dns:///x.test:1"), args).getServiceAuthority())
        .isEqualTo("x.test:1");
    assertThat(provider.newNameResolver(URI.create("cached-dns:///x.test:65535"), args).getServiceAuthority())
        .isEqualTo("x.test:65535");
    assertThat(provider.newNameResolver(URI.create("cached-dns:///%5B::1%5D:8443"), args).getServiceAuthority())
        .isEqualTo("[::1]:8443");
  }

  @Test
  void builder_rejectsNonPositiveTtl() {
    assertThatThrownBy(() -> CachingDnsNameResolverProvider.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl");
  }

  // ---------------------------------------------------------------- cache and TTL

  @Test
  void refresh_withinTtlUsesCache_afterTtlLooksUpAgain() throws Exception {
    lookup.answer(HOST, "10.0.0.1");
    RecordingListener listener = new RecordingListener();
    NameResolver resolver = startResolver(provider, listener);
    assertThat(listener.nextAddresses()).containsExactly("10.0.0.1:443");

    lookup.answer(HOST, "10.0.0.2");
    clockNanos.addAndGet(TTL.toNanos() - 1);
    syncContext.execute(resolver::refresh);
    assertThat(listener.nextAddresses()).containsExactly("10.0.0.1:443");
    assertThat(lookup.calls(HOST)).isEqualTo(1);
    assertThat(provider.cacheHits()).isEqualTo(1);

    clockNanos.addAndGet(1);
    syncContext.execute(resolver::refresh);
    assertThat(listener.nextAddresses()).containsExactly("10.0.0.2:443");
    assertThat(lookup.calls(HOST)).isEqualTo(2);
  }

  @Test
  void expiredTtl_reResolvesWithoutBeingAsked() throws Exception {
    // The expiry timer runs on the channel's real scheduler, so this one test uses a real clock and a short TTL.
    CachingDnsNameResolverProvider realTime = CachingDnsNameResolverProvider.builder()
        .ttl(Duration.ofMillis(200)).lookup(lookup).lookupExecutor(lookupExecutor).build();
    lookup.answer(HOST, "10.0.0.1");
    RecordingListener listener = new RecordingListener();
    startResolver(realTime, listener);
    assertThat(listener.nextAddresses()).containsExactly("10.0.0.1:443");

    lookup.answer(HOST, "10.0.0.2");

    // Nothing calls refresh(): only the resolver's own timer can bring the new address.
    List<String> latest = listener.nextAddresses();
    while (!latest.contains("10.0.0.2:443")) {
      assertThat(latest).containsExactly("10.0.0.1:443");
      latest = listener.nextAddresses();
    }
    assertThat(latest).containsExactly("10.0.0.2:443");
    assertThat(realTime.lookups()).isGreaterThanOrEqualTo(2);
  }

  // ---------------------------------------------------------------- failures

  @Test
  void failedLookup_withHistory_servesLastGoodAnswerMarkedStale() throws Exception {
    lookup.answer(HOST, "10.0.0.1");
    RecordingListener listener = new RecordingListener();
    NameResolver resolver = startResolver(provider, listener);
    assertThat(listener.next().getAttributes().get(CachingDnsNameResolverProvider.STALE)).isFalse();

    lookup.fail(HOST, new UnknownHostException(HOST + ": Temporary failure in name resolution"));
    clockNanos.addAndGet(TTL.toNanos());
    syncContext.execute(resolver::refresh);

    NameResolver.ResolutionResult stale = listener.next();
    assertThat(addresses(stale)).containsExactly("10.0.0.1:443");
    assertThat(stale.getAttributes().get(CachingDnsNameResolverProvider.STALE)).isTrue();
    assertThat(listener.errors).isEmpty();
    assertThat(provider.staleAnswers()).isEqualTo(1);
    assertThat(provider.lookupFailures()).isEqualTo(1);

    // The failure is not retried before another TTL: a burst of refreshes does not hammer a failing DNS.
    syncContext.execute(resolver::refresh);
    assertThat(addresses(listener.next())).containsExactly("10.0.0.1:443");
    assertThat(lookup.calls(HOST)).isEqualTo(2);

    lookup.answer(HOST, "10.0.0.2");
    clockNanos.addAndGet(TTL.toNanos());
    syncContext.execute(resolver::refresh);
    NameResolver.ResolutionResult fresh = listener.next();
    assertThat(addresses(fresh)).containsExactly("10.0.0.2:443");
    assertThat(fresh.getAttributes().get(CachingDnsNameResolverProvider.STALE)).isFalse();
  }

  @Test
  void failedLookup_withoutHistory_reportsUnavailable_andIsNotCached() throws Exception {
    lookup.fail(HOST, new UnknownHostException(HOST + ": Name or service not known"));
    RecordingListener listener = new RecordingListener();
    NameResolver resolver = startResolver(provider, listener);

    Status error = listener.nextError();
    assertThat(error.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(error.getDescription()).contains(HOST).contains("Name or service not known");
    assertThat(error.getCause()).isInstanceOf(UnknownHostException.class);
    assertThat(provider.staleAnswers()).isZero();

    // The channel retries by calling refresh(); with nothing cached, that is a new lookup at once.
    lookup.answer(HOST, "10.0.0.1");
    syncContext.execute(resolver::refresh);
    assertThat(listener.nextAddresses()).containsExactly("10.0.0.1:443");
    assertThat(lookup.calls(HOST)).isEqualTo(2);
  }

  @Test
  void firstAnswer_reachesResolversWhoseFirstLookupFailed_withoutTheirRefresh() throws Exception {
    lookup.fail(HOST, new UnknownHostException(HOST + ": not in DNS yet"));
    RecordingListener first = new RecordingListener();
    RecordingListener second = new RecordingListener();
    startResolver(provider, first);
    startResolver(provider, second);
    assertThat(first.nextError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(second.nextError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

    lookup.answer(HOST, "10.0.0.1");
    RecordingListener third = new RecordingListener();
    startResolver(provider, third);

    assertThat(third.nextAddresses()).containsExactly("10.0.0.1:443");
    // Neither of the first two asked again: the third's lookup is their answer too.
    assertThat(first.nextAddresses()).containsExactly("10.0.0.1:443");
    assertThat(second.nextAddresses()).containsExactly("10.0.0.1:443");
    assertThat(first.results).as("told once").isEmpty();
    assertThat(third.results).as("told once").isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  private NameResolver startResolver(CachingDnsNameResolverProvider from, RecordingListener listener) {
    NameResolver resolver = from.newNameResolver(URI.create("cached-dns:///" + HOST), resolverArgs());
    resolvers.add(resolver);
    syncContext.execute(() -> resolver.start(listener));
    return resolver;
  }

  private NameResolver.Args resolverArgs() {
    return NameResolver.Args.newBuilder()
        .setDefaultPort(443)
        .setProxyDetector(address -> null)
        .setSynchronizationContext(syncContext)
        .setScheduledExecutorService(scheduler)
        .setChannelLogger(new ChannelLogger() {
          @Override
          public void log(ChannelLogLevel level, String message) {}

          @Override
          public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
        })
        .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
          @Override
          public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> rawServiceConfig) {
            return NameResolver.ConfigOrError.fromConfig(rawServiceConfig);
          }
        })
        .build();
  }

  private static List<String> addresses(NameResolver.ResolutionResult result) {
    List<String> out = new ArrayList<>();
    for (EquivalentAddressGroup group : result.getAddressesOrError().getValue()) {
      for (SocketAddress address : group.getAddresses()) {
        InetSocketAddress inet = (InetSocketAddress) address;
        out.add(inet.getAddress().getHostAddress() + ":" + inet.getPort());
      }
    }
    return out;
  }

  /** Collects what the resolver reports; results and errors are taken in order with a timeout. */
  private static final class RecordingListener extends NameResolver.Listener2 {
    final LinkedBlockingQueue<NameResolver.ResolutionResult> results = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Status> errors = new LinkedBlockingQueue<>();

    @Override
    public void onResult(NameResolver.ResolutionResult result) {
      results.add(result);
    }

    @Override
    public void onError(Status error) {
      errors.add(error);
    }

    NameResolver.ResolutionResult next() throws InterruptedException {
      NameResolver.ResolutionResult result = results.poll(10, SECONDS);
      assertThat(result).as("a resolution result within 10 s").isNotNull();
      return result;
    }

    List<String> nextAddresses() throws InterruptedException {
      return addresses(next());
    }

    Status nextError() throws InterruptedException {
      Status error = errors.poll(10, SECONDS);
      assertThat(error).as("a resolution error within 10 s").isNotNull();
      return error;
    }
  }
}
