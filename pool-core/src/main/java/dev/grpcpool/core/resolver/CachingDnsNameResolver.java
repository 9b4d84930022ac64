package dev.grpcpool.core.resolver;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One channel's resolver for a {@code cached-dns} target: asks the provider's shared {@link CachingDnsCache} for
 * the host and hands the channel the addresses with the target's port.
 *
 * <p>It resolves on {@link #start}, on {@link #refresh} and when the answer's TTL runs out (a timer on the channel's
 * scheduler), and it also passes on the first addresses, or a change of them, that a lookup for another channel
 * found. A stale answer carries {@link CachingDnsNameResolverProvider#STALE}{@code = true} in the result's
 * attributes. A host that never resolved is reported with {@link NameResolver.Listener2#onError} as
 * {@code UNAVAILABLE}, naming the host and the lookup's error; the channel then retries with its own backoff by
 * calling {@link #refresh}, unless another channel's lookup brings the answer first.
 *
 * <p>Not thread-safe by itself: gRPC calls it from the channel's {@link SynchronizationContext}, and every
 * callback from the cache is sent back through that context, which guards all mutable fields.
 */
final class CachingDnsNameResolver extends NameResolver {

  /** The expiry timer never fires more often than this, whatever the TTL, so a tiny TTL cannot spin. */
  private static final long MIN_TIMER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String host;
  private final int port;
  private final String authority;
  private final CachingDnsCache cache;
  private final SynchronizationContext syncContext;
  private final ScheduledExecutorService scheduler;
  private final Consumer<CachingDnsCache.Answer> subscriber = this::onPushed;

  private Listener2 listener;
  private boolean resolving;
  private boolean shutdown;
  private CachingDnsCache.Answer published;
  private SynchronizationContext.ScheduledHandle expiryTimer;

  CachingDnsNameResolver(
      String host, int port, String authority, CachingDnsCache cache, NameResolver.Args args) {
    this.host = host;
    this.port = port;
    this.authority = authority;
    this.cache = cache;
    this.syncContext = Objects.requireNonNull(args.getSynchronizationContext(), "synchronizationContext");
    this.scheduler = args.getScheduledExecutorService();
  }

  @Override
  public String getServiceAuthority() {
    return authority;
  }

  @Override
  public void start(Listener2 listener) {
    if (this.listener != null) {
      throw new IllegalStateException("already started");
    }
    this.listener = Objects.requireNonNull(listener, "listener");
    cache.subscribe(host, subscriber);
    resolve();
  }

  @Override
  public void refresh() {
    if (listener == null) {
      throw new IllegalStateException("not started");
    }
    resolve();
  }

  @Override
  public void shutdown() {
    if (shutdown) {
      return;
    }
    shutdown = true;
    cancelTimer();
    cache.unsubscribe(host, subscriber);
  }

  private void resolve() {
    if (resolving || shutdown) {
      return;
    }
    resolving = true;
    cache.resolve(host, answer -> syncContext.execute(() -> {
      resolving = false;
      publish(answer);
    }));
  }

  /**
   * A lookup made for another channel found the host's first addresses or changed them: pass them on unless this
   * channel has that answer or a newer one already. It may have been waiting for that same lookup, and a push
   * can arrive after a newer answer from this channel's own lookup (the two come from different threads).
   */
  private void onPushed(CachingDnsCache.Answer answer) {
    syncContext.execute(() -> {
      if (published != null && published.sequence >= answer.sequence) {
        return;
      }
      publish(answer);
    });
  }

  private void publish(CachingDnsCache.Answer answer) {
    if (shutdown) {
      return;
    }
    published = answer;
    if (!answer.hasAddresses()) {
      cancelTimer();
      listener.onError(Status.UNAVAILABLE
          .withDescription("Unable to resolve host " + host + ": " + answer.error)
          .withCause(answer.error));
      return;
    }
    List<EquivalentAddressGroup> groups = new ArrayList<>(answer.addresses.size());
    for (InetAddress address : answer.addresses) {
      groups.add(new EquivalentAddressGroup(new InetSocketAddress(address, port)));
    }
    listener.onResult2(ResolutionResult.newBuilder()
        .setAddressesOrError(StatusOr.fromValue(groups))
        .setAttributes(Attributes.newBuilder()
            .set(CachingDnsNameResolverProvider.STALE, answer.stale)
            .build())
        .build());
    scheduleExpiry(answer);
  }

  private void scheduleExpiry(CachingDnsCache.Answer answer) {
    cancelTimer();
    if (scheduler == null) {
      return;
    }
    long delay = Math.max(MIN_TIMER_NANOS, cache.remainingNanos(answer));
    expiryTimer = syncContext.schedule(() -> {
      expiryTimer = null;
      resolve();
    }, delay, TimeUnit.NANOSECONDS, scheduler);
  }

  private void cancelTimer() {
    if (expiryTimer != null) {
      expiryTimer.cancel();
      expiryTimer = null;
    }
  }
}
