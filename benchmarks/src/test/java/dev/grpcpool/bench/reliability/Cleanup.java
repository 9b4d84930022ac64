package dev.grpcpool.bench.reliability;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything a test started (fleets, servers, pools, executors), closed in reverse order in {@code @AfterEach}
 * so no server, channel or thread outlives its test even when an assertion fails half-way.
 *
 * <p>Not thread-safe: register from the test thread.
 */
final class Cleanup implements AutoCloseable {

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  <T extends AutoCloseable> T add(T resource) {
    resources.push(resource);
    return resource;
  }

  <T extends ExecutorService> T executor(T executor) {
    resources.push(() -> {
      executor.shutdownNow();
      executor.awaitTermination(10, TimeUnit.SECONDS);
    });
    return executor;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
