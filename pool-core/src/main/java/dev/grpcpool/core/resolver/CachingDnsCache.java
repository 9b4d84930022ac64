package dev.grpcpool.core.resolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The host-to-addresses cache behind {@link CachingDnsNameResolverProvider}: one per provider instance, shared by
 * every channel that provider resolves for.
 *
 * <p>A host's answer is served from the cache until it is {@code ttl} old by the injected clock. Then the next
 * request looks the host up again; requests that arrive while a lookup is running wait for that lookup instead of
 * starting their own, so any number of channels cost one lookup per host per TTL. A failed lookup for a host that
 * had an answer keeps the old addresses (marked stale) for another TTL; a failed lookup for a host that never had an
 * answer is not cached, so the next request tries again. When a lookup finds a host's first addresses or changes
 * them, every subscriber of that host is told, so a lookup made for one channel updates them all, including
 * channels whose own lookup failed before the host resolved.
 *
 * <p>This class is thread-safe. Lookups run on the injected executor; callbacks run on the lookup's thread, or on
 * the caller's for a cache hit.
 */
final class CachingDnsCache {

  private static final Logger logger = Logger.getLogger(CachingDnsCache.class.getName());

  private final CachingDnsNameResolverProvider.Lookup lookup;
  private final long ttlNanos;
  private final LongSupplier clock;
  private final Executor executor;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  final LongAdder lookups = new LongAdder();
  final LongAdder lookupFailures = new LongAdder();
  final LongAdder staleAnswers = new LongAdder();
  final LongAdder cacheHits = new LongAdder();

  CachingDnsCache(
      CachingDnsNameResolverProvider.Lookup lookup, long ttlNanos, LongSupplier clock, Executor executor) {
    this.lookup = lookup;
    this.ttlNanos = ttlNanos;
    this.clock = clock;
    this.executor = executor;
  }

  long ttlNanos() {
    return ttlNanos;
  }

  long now() {
    return clock.getAsLong();
  }

  /** Nanoseconds by the cache's clock until {@code answer} is due for another lookup; 0 or less when it is due. */
  long remainingNanos(Answer answer) {
    return answer.checkedAtNanos + ttlNanos - clock.getAsLong();
  }

  /**
   * Hands {@code callback} the host's answer: the cached one while it is fresh, otherwise the result of a lookup
   * (started now, or already running for another caller).
   */
  void resolve(String host, Consumer<Answer> callback) {
    Entry entry = entries.computeIfAbsent(host, Entry::new);
    Answer hit = null;
    boolean startLookup = false;
    synchronized (entry) {
      Answer current = entry.current;
      if (current != null && remainingNanos(current) > 0) {
        hit = current;
      } else if (entry.waiters != null) {
        entry.waiters.add(callback);
      } else {
        entry.waiters = new ArrayList<>();
        entry.waiters.add(callback);
        startLookup = true;
      }
    }
    if (hit != null) {
      cacheHits.increment();
      callback.accept(hit);
    } else if (startLookup) {
      try {
        executor.execute(() -> lookUp(entry));
      } catch (RejectedExecutionException e) {
        complete(entry, null, e);
      }
    }
  }

  /** {@code subscriber} hears of every change of the host's addresses until it unsubscribes. */
  void subscribe(String host, Consumer<Answer> subscriber) {
    entries.computeIfAbsent(host, Entry::new).subscribers.add(subscriber);
  }

  void unsubscribe(String host, Consumer<Answer> subscriber) {
    Entry entry = entries.get(host);
    if (entry != null) {
      entry.subscribers.remove(subscriber);
    }
  }

  private void lookUp(Entry entry) {
    lookups.increment();
    List<InetAddress> found = null;
    Throwable error = null;
    try {
      List<InetAddress> result = lookup.lookup(entry.host);
      if (result == null || result.isEmpty()) {
        error = new UnknownHostException("no addresses for " + entry.host);
      } else {
        found = List.copyOf(result);
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      error = e;
    } catch (Error e) {
      // Waiters must never be left hanging, even when the lookup function is broken.
      complete(entry, null, e);
      throw e;
    }
    complete(entry, found, error);
  }

  private void complete(Entry entry, List<InetAddress> found, Throwable error) {
    long now = clock.getAsLong();
    Answer previous;
    Answer next;
    List<Consumer<Answer>> waiters;
    synchronized (entry) {
      previous = entry.current;
      long sequence = ++entry.answers;
      if (found != null) {
        next = new Answer(found, false, null, now, sequence);
      } else if (previous != null) {
        next = new Answer(previous.addresses, true, error, now, sequence);
      } else {
        next = new Answer(null, false, error, now, sequence);
      }
      if (next.addresses != null) {
        entry.current = next;
      }
      waiters = entry.waiters;
      entry.waiters = null;
    }
    if (error != null) {
      lookupFailures.increment();
      if (next.stale) {
        staleAnswers.increment();
        logger.log(Level.WARNING, "Lookup of {0} failed ({1}); serving its last good addresses {2}",
            new Object[] {entry.host, error, next.addresses});
      }
    }
    if (waiters != null) {
      for (Consumer<Answer> waiter : waiters) {
        waiter.accept(next);
      }
    }
    // The first answer counts as a change too: channels whose own first lookup failed are waiting out gRPC's
    // resolution backoff (seconds, growing), and the answer they are waiting for is this one.
    if (next.addresses != null && (previous == null || !next.addresses.equals(previous.addresses))) {
      for (Consumer<Answer> subscriber : entry.subscribers) {
        subscriber.accept(next);
      }
    }
  }

  /**
   * One outcome of resolving a host: addresses (possibly stale), or the error of a lookup for a host that never
   * had an answer. Immutable.
   */
  static final class Answer {
    /** The addresses, or null when the host never resolved. */
    final List<InetAddress> addresses;
    /** The addresses are the last good ones, kept because the latest lookup failed. */
    final boolean stale;
    /** The latest lookup's failure, or null when it succeeded. */
    final Throwable error;
    /** When, by the cache's clock, the lookup that produced this answer finished. */
    final long checkedAtNanos;
    /**
     * The answer's place among its host's answers, from 1: a resolver that hears of answers from several threads
     * (its own lookup, pushes from lookups made for other channels) keeps only ones newer than it has.
     */
    final long sequence;

    Answer(List<InetAddress> addresses, boolean stale, Throwable error, long checkedAtNanos, long sequence) {
      this.addresses = addresses;
      this.stale = stale;
      this.error = error;
      this.checkedAtNanos = checkedAtNanos;
      this.sequence = sequence;
    }

    boolean hasAddresses() {
      return addresses != null;
    }
  }

  private static final class Entry {
    final String host;
    final Set<Consumer<Answer>> subscribers = ConcurrentHashMap.newKeySet();
    /** The latest answer with addresses; guarded by this. */
    Answer current;
    /** Callbacks waiting for the running lookup; non-null exactly while one runs. Guarded by this. */
    List<Consumer<Answer>> waiters;
    /** Answers produced so far, to number them. Guarded by this. */
    long answers;

    Entry(String host) {
      this.host = host;
    }
  }
}
