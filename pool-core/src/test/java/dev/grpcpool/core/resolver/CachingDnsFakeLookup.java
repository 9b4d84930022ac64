package dev.grpcpool.core.resolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link CachingDnsNameResolverProvider.Lookup} for tests: answers (IP literals, so no DNS is involved) or
 * failures set per host by the test, with a count of lookups per host.
 *
 * <p>Thread-safe: the provider calls it on its lookup threads while the test changes the answers.
 */
final class CachingDnsFakeLookup implements CachingDnsNameResolverProvider.Lookup {
  private final Map<String, Object> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  volatile long delayNanos;

  void answer(String host, String... ips) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String ip : ips) {
      try {
        addresses.add(InetAddress.getByName(ip)); // literals: no DNS involved
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(ip, e);
      }
    }
    answers.put(host, addresses);
  }

  void fail(String host, Exception error) {
    answers.put(host, error);
  }

  int calls(String host) {
    AtomicInteger n = calls.get(host);
    return n == null ? 0 : n.get();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<InetAddress> lookup(String host) throws Exception {
    calls.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
    if (delayNanos > 0) {
      // Holds the lookup open so concurrent requests overlap it; the test thread does not sleep.
      LockSupport.parkNanos(delayNanos);
    }
    Object answer = answers.get(host);
    if (answer instanceof Exception) {
      throw (Exception) answer;
    }
    if (answer == null) {
      throw new UnknownHostException(host + ": no answer configured");
    }
    return (List<InetAddress>) answer;
  }
}
