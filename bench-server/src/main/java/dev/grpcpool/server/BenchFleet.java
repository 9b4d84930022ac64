package dev.grpcpool.server;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * N echo backends started together from one {@link BenchServer.Builder} template, so a pool has several
 * backends to spread calls over and fault controls to pull on any one of them.
 *
 * <p>Backend {@code i} has the stable id {@code backend-i} (or {@code <template id>-i}) and its own port:
 * the template's port plus {@code i}, or a free port each when the template's port is 0. An in-process
 * template gives one name per backend: {@code <name>-i}.
 *
 * <p>{@link #close()} closes every backend and is idempotent.
 *
 * <p>This class is thread-safe.
 */
public final class BenchFleet implements AutoCloseable {

  private final List<BenchServer> backends;
  private final boolean inProcess;
  private final List<L4Balancer> balancers = new CopyOnWriteArrayList<>();

  private BenchFleet(List<BenchServer> backends, boolean inProcess) {
    this.backends = Collections.unmodifiableList(backends);
    this.inProcess = inProcess;
  }

  /**
   * Starts {@code count} backends with the template's settings.
   *
   * @throws IllegalArgumentException if {@code count} is below 1 or ports would run past 65535
   * @throws java.io.UncheckedIOException if a port cannot be bound; backends already started are closed
   */
  public static BenchFleet start(int count, BenchServer.Builder template) {
    if (count < 1) {
      throw new IllegalArgumentException("backend count must be >= 1, was " + count);
    }
    if (template.port() > 0 && template.port() + count - 1 > 65_535) {
      throw new IllegalArgumentException(
          "ports " + template.port() + ".." + (template.port() + count - 1) + " run past 65535");
    }
    String idPrefix = template.backendId() != null ? template.backendId() : "backend";
    List<BenchServer> started = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        String name = template.inProcessName() == null ? null : template.inProcessName() + "-" + i;
        int port = template.port() == 0 ? 0 : template.port() + i;
        started.add(template.copy(name, port, idPrefix + "-" + i).start());
      }
    } catch (RuntimeException e) {
      started.forEach(BenchServer::close);
      throw e;
    }
    return new BenchFleet(started, template.inProcessName() != null);
  }

  /** The backends, in id order. */
  public List<BenchServer> backends() {
    return backends;
  }

  /** Backend {@code i}. */
  public BenchServer backend(int i) {
    return backends.get(i);
  }

  public int size() {
    return backends.size();
  }

  /**
   * One target naming every backend, {@code static:///127.0.0.1:p1,127.0.0.1:p2,...}, for a client that
   * resolves the {@code static} scheme.
   *
   * @throws IllegalStateException for an in-process fleet, whose backends have no common address; use
   *     {@link #targets()}
   */
  public String target() {
    if (inProcess) {
      throw new IllegalStateException("an in-process fleet has no single target; use targets()");
    }
    return "static:///" + String.join(",", targets());
  }

  /**
   * Starts an {@link L4Balancer} in front of this fleet: one address whose connections are each pinned to one
   * backend. Closed with the fleet.
   *
   * @param delay added to each direction of every connection, 0 for none
   * @throws IllegalArgumentException for an in-process fleet or a delay out of range
   */
  public L4Balancer startL4(L4Balancer.Mode mode, Duration delay) {
    L4Balancer balancer = L4Balancer.start(this, mode, delay);
    balancers.add(balancer);
    return balancer;
  }

  boolean isInProcess() {
    return inProcess;
  }

  /** Each backend's own target ({@code host:port}, or the in-process name), in id order. */
  public List<String> targets() {
    return backends.stream().map(BenchServer::target).collect(Collectors.toUnmodifiableList());
  }

  public void stop(int i) {
    backend(i).stop();
  }

  public void restart(int i) {
    backend(i).restart();
  }

  public void slowDown(int i, Duration extra) {
    backend(i).slowDown(extra);
  }

  public void setServing(int i, boolean serving) {
    backend(i).setServing(serving);
  }

  public void failNext(int i, int n, Status.Code code) {
    backend(i).failNext(n, code);
  }

  /** Echo calls answered by all backends together. */
  public long callsServed() {
    return backends.stream().mapToLong(BenchServer::callsServed).sum();
  }

  /**
   * Closes the fleet's L4 balancers, then every backend, even if closing one of them fails; the first failure is
   * rethrown.
   */
  @Override
  public void close() {
    RuntimeException first = null;
    List<AutoCloseable> all = new ArrayList<>(balancers);
    balancers.clear();
    all.addAll(backends);
    for (AutoCloseable b : all) {
      try {
        b.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
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
