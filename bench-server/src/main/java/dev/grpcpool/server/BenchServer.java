package dev.grpcpool.server;

import dev.grpcpool.server.proto.EchoGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One echo backend, in-process (by name) or on Netty (loopback by default), with simulated work, connection
 * limits, the standard {@code grpc.health.v1} service and fault controls a test or benchmark can pull at run
 * time.
 *
 * <p>Lifecycle: {@link Builder#start()} starts serving. {@link #stop()} resets every connection and frees the
 * port, failing running calls with {@code UNAVAILABLE}/{@code CANCELLED} on the client; {@link #restart()}
 * serves again on the same port (or in-process name), so a client's reconnect finds it. Counters, health
 * status and injected faults survive a restart. {@link #close()} stops serving and releases every thread the
 * server owns; it is idempotent, and every other control throws {@link IllegalStateException} after it.
 *
 * <p>Requests asking for a response larger than 64 MiB, or for negative sizes, work or counts, fail with
 * {@code INVALID_ARGUMENT}.
 *
 * <p>Tests that check what reaches a server (headers, deadlines, {@code :authority}) or that refuse calls can add
 * their own {@link ServerInterceptor}s with {@link Builder#interceptors}, on either transport and for every
 * backend of a {@link BenchFleet}.
 *
 * <p>This class is thread-safe.
 */
public final class BenchServer implements AutoCloseable {

  /** The service name of the echo service, as the health service knows it. */
  public static final String ECHO_SERVICE = EchoGrpc.SERVICE_NAME;

  private static final long TERMINATION_SECONDS = 10;
  private static final long BIND_RETRY_MILLIS = 5_000;

  private final Builder settings;
  private final BackendState state;
  private final ServerResources resources;
  private final Workers workers;
  private final HealthStatusManager health = new HealthStatusManager();
  private final io.grpc.ServerServiceDefinition echo;

  private Server server;
  private int port;
  private boolean closed;

  private BenchServer(Builder settings) {
    this.settings = settings;
    this.port = settings.port;
    this.state = new BackendState(settings.backendId, settings.work);
    String threadPrefix = "grpcpool-server-"
        + (settings.backendId != null ? settings.backendId
            : settings.inProcessName != null ? settings.inProcessName : "port" + settings.port) + "-";
    this.resources = new ServerResources(settings.executor, threadPrefix, settings.inProcessName == null);
    this.workers = settings.workers > 0 ? new Workers(settings.workers, resources.queuedWorkExecutor()) : null;
    this.echo = ServerInterceptors.intercept(
        new EchoService(state, resources.timer(), workers), new CallAccounting(state));
    // The whole server ("") starts SERVING in the manager; the echo service is named too, so clients that
    // check it by name get an answer rather than NOT_FOUND.
    health.setStatus(ECHO_SERVICE, ServingStatus.SERVING);
  }

  /** A builder for an in-process backend registered under {@code name}. */
  public static Builder inProcess(String name) {
    return new Builder(Objects.requireNonNull(name, "name"), 0);
  }

  /**
   * A builder for a Netty backend on {@code port} of {@code 127.0.0.1} (0 picks a free port).
   *
   * @throws IllegalArgumentException if {@code port} is outside [0, 65535]
   */
  public static Builder netty(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    return new Builder(null, port);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Identity

  /** {@code host:port} for Netty (brackets around an IPv6 host), the name for an in-process backend. */
  public String target() {
    if (settings.inProcessName != null) {
      return settings.inProcessName;
    }
    String host = settings.host.contains(":") ? "[" + settings.host + "]" : settings.host;
    return host + ":" + port();
  }

  /** The bound port (fixed across restarts); -1 for an in-process backend. */
  public synchronized int port() {
    return settings.inProcessName != null ? -1 : port;
  }

  /** The id this backend writes into every answer; defaults to {@link #target()}. */
  public String backendId() {
    return state.backendId();
  }

  /** True between start or restart and stop or close. */
  public synchronized boolean isServing() {
    return server != null;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Fault controls

  /**
   * Stops serving at once: every connection is reset, running calls fail on the client, the port is freed.
   * Does nothing if already stopped.
   */
  public synchronized void stop() {
    checkOpen();
    stopServer();
  }

  /** Serves again on the same port or name; if still serving, stops first. */
  public synchronized void restart() {
    checkOpen();
    stopServer();
    startServer(true);
  }

  /**
   * Adds {@code extra} wait (holding no thread) to every call from now on; {@link Duration#ZERO} clears it.
   *
   * @throws IllegalArgumentException if {@code extra} is negative or longer than a minute
   */
  public void slowDown(Duration extra) {
    checkOpen();
    if (extra.isNegative() || extra.toNanos() > TimeUnit.MICROSECONDS.toNanos(WorkProfile.MAX_MICROS)) {
      throw new IllegalArgumentException("slowDown must be in [0s, 60s], was " + extra);
    }
    state.slowDown(extra);
  }

  /** Sets the health of the whole server ({@code ""}) and of the echo service to SERVING or NOT_SERVING. */
  public void setServing(boolean serving) {
    setServing("", serving);
    setServing(ECHO_SERVICE, serving);
  }

  /** Sets the health status reported for {@code service} ({@code ""} is the whole server). */
  public void setServing(String service, boolean serving) {
    checkOpen();
    health.setStatus(service, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /**
   * Fails the next {@code n} echo calls with {@code code} before they reach the service; 0 cancels a previous
   * request. Health checks are not affected.
   *
   * @throws IllegalArgumentException if {@code n} is negative or {@code code} is OK
   */
  public void failNext(int n, Status.Code code) {
    checkOpen();
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    if (code == Status.Code.OK) {
      throw new IllegalArgumentException("code must be an error code, was OK");
    }
    state.failNext(n, code);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Counters

  /** Echo calls answered so far (with any status, including injected failures); cancelled calls excluded. */
  public long callsServed() {
    return state.callsServed();
  }

  /** Echo calls being served right now (handler started, not yet answered or cancelled). */
  public int activeCalls() {
    return state.activeCalls();
  }

  /** The most echo calls served at once since start or {@link #resetMaxActiveCalls()}. */
  public int maxActiveCalls() {
    return state.maxActiveCalls();
  }

  /** Requests whose work waits for one of the backend's {@linkplain Builder#workers workers}; 0 without a limit. */
  public int waitingForWorkers() {
    return workers == null ? 0 : workers.waiting();
  }

  /** Restarts the {@link #maxActiveCalls()} high-water mark from the current number of active calls. */
  public void resetMaxActiveCalls() {
    state.resetMaxActiveCalls();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Lifecycle

  /** Stops serving and releases every port and thread; returns once they are gone. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopServer();
    } finally {
      health.enterTerminalState();
      resources.close();
    }
  }

  private void checkOpen() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("backend " + backendId() + " is closed");
      }
    }
  }

  /** Binds and serves; {@code retryBind} waits a few seconds for the port, as a restart may need. */
  private void startServer(boolean retryBind) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BIND_RETRY_MILLIS);
    while (true) {
      Server candidate = ServerTransport.build(settings, port, resources, echo, health.getHealthService().bindService());
      try {
        server = candidate.start();
        break;
      } catch (IOException e) {
        // A restart may race the kernel releasing the old socket: retry the same port for a few seconds.
        if (!(e instanceof BindException || e.getCause() instanceof BindException)
            || !retryBind || port == 0 || System.nanoTime() > deadline) {
          throw new UncheckedIOException("cannot serve " + describe() + ": " + e.getMessage(), e);
        }
        sleepBeforeRetry();
      }
    }
    if (settings.inProcessName == null) {
      port = server.getPort();
    }
    if (state.backendId() == null) {
      state.backendId(target());
    }
  }

  private void stopServer() {
    Server s = server;
    if (s == null) {
      return;
    }
    server = null;
    s.shutdownNow();
    try {
      if (!s.awaitTermination(TERMINATION_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(describe() + " did not terminate in " + TERMINATION_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + describe(), e);
    }
  }

  private String describe() {
    return settings.inProcessName != null ? "in-process server " + settings.inProcessName
        : "server on " + settings.host + ":" + port;
  }

  private static void sleepBeforeRetry() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the port to free", e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * Settings of a {@link BenchServer}; {@link #start()} can be called more than once, each time starting a
   * new backend with the settings as they are then.
   *
   * <p>Settings marked "Netty only" are refused at {@link #start()} for an in-process backend, rather than
   * silently ignored.
   *
   * <p>Not thread-safe.
   */
  /** Largest worker limit {@link Builder#workers} accepts. */
  public static final int MAX_WORKERS = 100_000;

  public static final class Builder {
    final String inProcessName;
    final int port;
    String backendId;
    String host = "127.0.0.1";
    int maxConcurrentCallsPerConnection;
    int workers;
    Duration permitKeepAliveTime;
    boolean permitKeepAliveWithoutCalls;
    Duration maxConnectionAge;
    Duration maxConnectionAgeGrace;
    WorkProfile work = WorkProfile.none();
    ServerExecutor executor = ServerExecutor.WORK_STEALING;
    List<ServerInterceptor> interceptors = List.of();
    File certChain;
    File privateKey;
    File clientCa;

    private Builder(String inProcessName, int port) {
      this.inProcessName = inProcessName;
      this.port = port;
    }

    /** The id written into every answer; default: the backend's {@link BenchServer#target()}. */
    public Builder backendId(String id) {
      this.backendId = Checks.nonEmpty(id, "backendId");
      return this;
    }

    /**
     * The backend's capacity: at most {@code workers} requests' simulated work at once across all its
     * connections; more wait in arrival order, as calls queue for a worker pool of that size. With I/O work of
     * {@code t} per call a backend then serves at most {@code workers ÷ t} calls per second, without using the
     * CPU to get there. Default: no limit.
     *
     * @throws IllegalArgumentException if {@code workers} is below 1 or above {@value #MAX_WORKERS}
     */
    public Builder workers(int workers) {
      if (workers < 1 || workers > MAX_WORKERS) {
        throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS + " (was " + workers
            + ")");
      }
      this.workers = workers;
      return this;
    }

    /** Netty only: the address to bind; default {@code 127.0.0.1} (loopback). */
    public Builder host(String host) {
      this.host = Checks.nonEmpty(host, "host");
      return this;
    }

    /**
     * Netty only: the most concurrent calls (HTTP/2 streams) one connection may carry; default unlimited,
     * as in grpc-java. Proxies and many servers cap at 100.
     *
     * @throws IllegalArgumentException if {@code max} is below 1
     */
    public Builder maxConcurrentCallsPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentCallsPerConnection must be >= 1, was " + max);
      }
      this.maxConcurrentCallsPerConnection = max;
      return this;
    }

    /** Netty only: the shortest keepalive ping interval clients may use (grpc-java default 5 minutes). */
    public Builder permitKeepAliveTime(Duration time) {
      this.permitKeepAliveTime = Checks.notNegative(time, "permitKeepAliveTime");
      return this;
    }

    /** Netty only: whether clients may send keepalive pings while they have no call open (default false). */
    public Builder permitKeepAliveWithoutCalls(boolean permit) {
      this.permitKeepAliveWithoutCalls = permit;
      return this;
    }

    /** Netty only: connections older than this are sent a GOAWAY; default unlimited. */
    public Builder maxConnectionAge(Duration age) {
      this.maxConnectionAge = Checks.positive(age, "maxConnectionAge");
      return this;
    }

    /** Netty only: how long calls may run on after the max-age GOAWAY before the connection is closed. */
    public Builder maxConnectionAgeGrace(Duration grace) {
      this.maxConnectionAgeGrace = Checks.notNegative(grace, "maxConnectionAgeGrace");
      return this;
    }

    /** The work done for a request that names none; default {@link WorkProfile#none()}. */
    public Builder work(WorkProfile work) {
      this.work = Objects.requireNonNull(work, "work");
      return this;
    }

    /** Which threads run calls; default {@link ServerExecutor#WORK_STEALING}. */
    public Builder executor(ServerExecutor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Interceptors for every call the backend serves: the echo service and the health service alike, on either
     * transport, after every restart, and on every backend of a {@link BenchFleet} started from this builder.
     * Replaces the interceptors given before; none by default.
     *
     * <p>They run in the order given: the first sees a call first and hands it to the second, and the last
     * hands it to the service. All of them run before the backend's own call accounting and
     * {@link BenchServer#failNext}, so they see every call, including one that is then failed on purpose; a
     * call one of them closes never reaches the service and is not counted in {@link BenchServer#callsServed}.
     * Calls to a method no service has are answered {@code UNIMPLEMENTED} by gRPC without them.
     *
     * <p>Each interceptor is shared by all calls and all backends of a fleet, so it must be thread-safe.
     *
     * @throws NullPointerException if the array or one of its elements is null
     */
    public Builder interceptors(ServerInterceptor... interceptors) {
      Objects.requireNonNull(interceptors, "interceptors");
      for (int i = 0; i < interceptors.length; i++) {
        Objects.requireNonNull(interceptors[i], "interceptors[" + i + "]");
      }
      this.interceptors = List.of(interceptors);
      return this;
    }

    /**
     * Netty only: serve TLS with a PEM certificate chain and its PEM (PKCS#8) private key.
     *
     * @throws IllegalArgumentException if either file is not a readable file
     */
    public Builder tls(File certChain, File privateKey) {
      this.certChain = Checks.readable(certChain, "TLS certificate chain");
      this.privateKey = Checks.readable(privateKey, "TLS private key");
      return this;
    }

    /**
     * Netty only, with {@link #tls}: mutual TLS. Every client must present a certificate issued by one of the
     * PEM certificates in {@code trustedClientCa}; clients without one are refused during the handshake.
     *
     * @throws IllegalArgumentException if the file is not a readable file
     */
    public Builder tlsClientAuth(File trustedClientCa) {
      this.clientCa = Checks.readable(trustedClientCa, "TLS client CA");
      return this;
    }

    /**
     * Starts a backend with these settings.
     *
     * @throws IllegalStateException if a Netty-only setting was given to an in-process builder
     * @throws UncheckedIOException if the port cannot be bound or the TLS files cannot be used
     */
    public BenchServer start() {
      if (inProcessName != null) {
        Checks.refuseForInProcess(maxConcurrentCallsPerConnection > 0, "maxConcurrentCallsPerConnection");
        Checks.refuseForInProcess(permitKeepAliveTime != null || permitKeepAliveWithoutCalls, "keepalive policy");
        Checks.refuseForInProcess(maxConnectionAge != null || maxConnectionAgeGrace != null, "maxConnectionAge");
        Checks.refuseForInProcess(certChain != null || clientCa != null, "tls");
        Checks.refuseForInProcess(!"127.0.0.1".equals(host), "host");
      }
      if (clientCa != null && certChain == null) {
        throw new IllegalStateException("tlsClientAuth needs tls(certChain, privateKey) as well");
      }
      BenchServer server = new BenchServer(copy(inProcessName, port, backendId));
      try {
        synchronized (server) {
          server.startServer(false);
        }
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    }

    /** A copy with another name or port and id, for the members of a fleet. */
    Builder copy(String name, int newPort, String id) {
      Builder b = new Builder(name, newPort);
      b.backendId = id;
      b.host = host;
      b.maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection;
      b.workers = workers;
      b.permitKeepAliveTime = permitKeepAliveTime;
      b.permitKeepAliveWithoutCalls = permitKeepAliveWithoutCalls;
      b.maxConnectionAge = maxConnectionAge;
      b.maxConnectionAgeGrace = maxConnectionAgeGrace;
      b.work = work;
      b.executor = executor;
      b.interceptors = interceptors;
      b.certChain = certChain;
      b.privateKey = privateKey;
      b.clientCa = clientCa;
      return b;
    }

    String inProcessName() {
      return inProcessName;
    }

    int port() {
      return port;
    }

    String backendId() {
      return backendId;
    }
  }
}
