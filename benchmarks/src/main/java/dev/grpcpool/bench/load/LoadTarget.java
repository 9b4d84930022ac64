package dev.grpcpool.bench.load;

import dev.grpcpool.bench.load.call.CallSpec;
import dev.grpcpool.bench.load.call.CallTemplate;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.L4Balancer;
import dev.grpcpool.server.BenchServer;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a load run sends to: an embedded {@link BenchFleet} (Netty on 127.0.0.1 or in-process) that the run
 * starts, owns and can inject faults into, or an external server named by a gRPC target. Opens channels or
 * pools to it whose channels are labelled for per-channel and per-backend attribution.
 *
 * <p>Thread-safe. {@link #close} stops an embedded fleet.
 */
public final class LoadTarget implements AutoCloseable {

  /** Transport of an embedded fleet. */
  public enum Transport { NETTY, INPROCESS }

  private final BenchFleet fleet;
  /** The L4 balancer in front of the embedded fleet, or null. */
  private final L4Balancer balancer;
  private final boolean inProcess;
  private final String target;
  private final List<String> targets;
  private final ChannelCredentials credentials;
  private final String authority;
  private final Map<String, String> backendByTarget = new HashMap<>();

  private LoadTarget(BenchFleet fleet, L4Balancer balancer, boolean inProcess, String target, List<String> targets,
      ChannelCredentials credentials, String authority) {
    this.fleet = fleet;
    this.balancer = balancer;
    this.inProcess = inProcess;
    this.target = target;
    this.targets = targets;
    this.credentials = credentials;
    this.authority = authority;
    if (fleet != null) {
      for (int i = 0; i < fleet.size(); i++) {
        backendByTarget.put(fleet.targets().get(i), fleet.backend(i).backendId());
      }
    }
  }

  /**
   * How an embedded fleet is set up beyond its size.
   *
   * @param maxCallsPerConnection the servers' cap on concurrent calls per connection; 0 for none
   * @param workers each backend's worker limit (calls whose work runs at once, across its connections); 0 for none
   * @param l4 an L4 balancer in front of the fleet that every channel dials, or null to dial the backends
   * @param l4Delay the balancer's delay per direction; zero for none
   */
  public record FleetOptions(int maxCallsPerConnection, int workers, L4Balancer.Mode l4, Duration l4Delay) {
    public FleetOptions {
      if (maxCallsPerConnection < 0) {
        throw new IllegalArgumentException("max calls per connection must be >= 0, was " + maxCallsPerConnection);
      }
      if (workers < 0) {
        throw new IllegalArgumentException("workers must be >= 0, was " + workers);
      }
      l4Delay = l4Delay == null ? Duration.ZERO : l4Delay;
    }
  }

  /**
   * Starts an embedded fleet of {@code backends} echo servers.
   *
   * @param maxCallsPerConnection the servers' cap on concurrent calls per connection; 0 for none
   */
  public static LoadTarget embedded(Transport transport, int backends, int maxCallsPerConnection) {
    return embedded(transport, backends, new FleetOptions(maxCallsPerConnection, 0, null, Duration.ZERO));
  }

  /**
   * Starts an embedded fleet of {@code backends} echo servers; with an L4 balancer, the run's one target is the
   * balancer's address, and each of the run's connections reaches one backend.
   *
   * @throws IllegalArgumentException for a bad count or option, or an L4 balancer in front of in-process backends
   */
  public static LoadTarget embedded(Transport transport, int backends, FleetOptions options) {
    if (backends < 1 || backends > 64) {
      throw new IllegalArgumentException("backends must be in 1..64, was " + backends);
    }
    boolean inProcess = transport == Transport.INPROCESS;
    if (inProcess && options.l4() != null) {
      throw new IllegalArgumentException("an L4 balancer needs TCP: use it with --transport netty");
    }
    BenchServer.Builder template = inProcess
        ? BenchServer.inProcess("grpcpool-load-" + UUID.randomUUID()) : BenchServer.netty(0);
    if (options.maxCallsPerConnection() > 0) {
      template.maxConcurrentCallsPerConnection(options.maxCallsPerConnection());
    }
    if (options.workers() > 0) {
      template.workers(options.workers());
    }
    BenchFleet fleet = BenchFleet.start(backends, template);
    if (options.l4() != null) {
      L4Balancer balancer;
      try {
        balancer = fleet.startL4(options.l4(), options.l4Delay());
      } catch (RuntimeException e) {
        fleet.close();
        throw e;
      }
      return new LoadTarget(fleet, balancer, false, balancer.target(), List.of(balancer.target()), null, null);
    }
    String target = inProcess ? "in-process fleet of " + backends : fleet.target();
    return new LoadTarget(fleet, null, inProcess, target, fleet.targets(), null, null);
  }

  /**
   * An external server: {@code host:port}, {@code static:///h1:p1,h2:p2}, {@code dns:///name:port} or any
   * target a channel resolves.
   *
   * @param tls use TLS; with {@code trustCertCollection} (PEM) instead of the system's trust store
   * @param authority the authority (TLS server name) to use instead of the target's, or null
   * @throws IllegalArgumentException if the trust file cannot be read
   */
  public static LoadTarget external(String target, boolean tls, File trustCertCollection, String authority) {
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("target must not be empty");
    }
    ChannelCredentials credentials = InsecureChannelCredentials.create();
    if (tls || trustCertCollection != null) {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (trustCertCollection != null) {
        try {
          b.trustManager(trustCertCollection);
          requireCertificates(trustCertCollection);
        } catch (IOException | RuntimeException e) {
          throw new IllegalArgumentException("cannot read trust certificates " + trustCertCollection + ": "
              + e.getMessage());
        }
      }
      credentials = b.build();
    }
    return new LoadTarget(null, null, false, target, List.of(target), credentials, authority);
  }

  /**
   * TlsChannelCredentials only reads the file's bytes; an empty or non-PEM file would surface later as an
   * internal error while building channels, or as an unreachable target. Parse it now so the file is named.
   */
  private static void requireCertificates(File pem) throws IOException {
    try (InputStream in = new FileInputStream(pem)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IllegalArgumentException("no PEM certificate in it");
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a file of PEM certificates");
    }
  }

  /** The embedded fleet, or null for an external target. */
  public BenchFleet fleet() {
    return fleet;
  }

  /** The L4 balancer every channel dials, or null. */
  public L4Balancer balancer() {
    return balancer;
  }

  /** A readable name of the target for summaries. */
  public String description() {
    return target;
  }

  /** The targets a per-backend pool dials: one per backend of an embedded fleet, else the one target. */
  public List<String> targets() {
    return targets;
  }

  /**
   * Opens what a run's calls go through: a single channel, or a pool of {@code size} channels. Channel {@code i} dials
   * target {@code i mod n} of {@link #targets()} (a per-backend pool); with fewer channels than the embedded
   * Netty fleet has backends, every channel dials all backends ({@code static:///…}, round robin). Behind an L4
   * balancer every channel dials the balancer, and each connection reaches the one backend it is pinned to.
   *
   * @param healthService grpc.health.v1 service the pool checks (null: connectivity only, "": whole server)
   */
  public Connection connect(Channels channels, int size, String healthService, Duration healthInterval) {
    return connect(channels, size, null, healthService, healthInterval);
  }

  /**
   * As {@link #connect(Channels, int, String, Duration)}; with {@code selfSizing}, the pool starts at its
   * {@linkplain SelfSizing#minSize() least size} and sizes itself within its bounds ({@code size} is not used). As
   * long as the pool might have fewer channels than the embedded Netty fleet has backends, every channel dials all
   * of them.
   */
  public Connection connect(Channels channels, int size, SelfSizing selfSizing, String healthService,
      Duration healthInterval) {
    if (!(channels instanceof Channels.Pool pool)) {
      // An embedded Netty fleet's static:/// target spreads one channel's calls over every backend.
      boolean spread = fleet != null && !inProcess && balancer == null;
      ManagedChannelBuilder<?> b = builder(spread ? fleet.target() : targets.get(0));
      if (spread) {
        b.defaultLoadBalancingPolicy("round_robin");
      }
      return new Connection(b.build());
    }
    if (selfSizing != null) {
      size = selfSizing.minSize();
    }
    List<String> dial = targets;
    if (size < targets.size()) {
      if (fleet == null || inProcess) {
        throw new IllegalArgumentException("pool size " + size + " is smaller than the " + targets.size()
            + " in-process backends; use at least " + targets.size() + " channels");
      }
      // Fewer channels than backends: every channel dials all of them and spreads its calls round robin.
      dial = List.of(fleet.target());
    }
    PoolConfig.Builder config = PoolConfig.builder(dial);
    if (selfSizing != null) {
      selfSizing.applyTo(config);
    } else {
      config.size(size);
    }
    config.pickStrategy(pool.strategy())
        .healthCheckInterval(healthInterval)
        .retryEnabled(false)
        .channelBuilderFactory(this::builder);
    if (healthService != null) {
      config.healthServiceName(healthService);
    }
    if (dial.size() == 1 && fleet != null && !inProcess && balancer == null) {
      config.loadBalancingPolicy("round_robin");
    }
    return new Connection(ChannelPool.create(config.build()));
  }

  private ManagedChannelBuilder<?> builder(String t) {
    ManagedChannelBuilder<?> b = inProcess ? InProcessChannelBuilder.forName(t) : Grpc.newChannelBuilder(t,
        credentials == null ? InsecureChannelCredentials.create() : credentials);
    if (authority != null) {
      b.overrideAuthority(authority);
    }
    // The generator's callbacks only record and start the next call: running them on the transport's thread
    // saves a hand-off per call. No retries: every call is one attempt, so a failure shows as it happened.
    b.directExecutor();
    b.disableRetry();
    b.intercept(ChannelLabels.interceptor(t, backendByTarget.get(t)));
    return b;
  }

  /**
   * What every call of a run of {@code spec} sends, resolved (the method's descriptor from the server's reflection
   * when the spec names a method and no protoset) and tried with one call, before any load is sent.
   *
   * @param timeout how long the reflection lookup and the trial call may each take
   * @throws IllegalArgumentException in one line: the target is unreachable, does not serve the method, or the
   *     method or its data is refused ({@link CallSpec#resolve})
   */
  public CallTemplate prepare(Channel channel, LoadSpec spec, Duration timeout) {
    CallTemplate template;
    try {
      template = spec.call() == null ? spec.echoTemplate() : spec.call().resolve(channel, timeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("target " + target + ": " + e.getMessage());
    }
    tryOnce(channel, template, timeout);
    return template;
  }

  /**
   * Makes one call of {@code template} and fails if the target did not answer or does not serve the method. Any
   * other status passes: the run counts what the method answers. A streaming answer passes at its first message.
   */
  private void tryOnce(Channel channel, CallTemplate template, Duration timeout) {
    CompletableFuture<Status> answered = new CompletableFuture<>();
    ClientCall<Object, Object> call = channel.newCall(template.method(),
        template.callOptions().withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(Object message) {
        if (template.streamsResponses()) {
          answered.complete(Status.OK);
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        answered.complete(status);
      }
    }, template.headers());
    call.request(Integer.MAX_VALUE);
    for (Object m : template.messages(0)) {
      call.sendMessage(m);
    }
    call.halfClose();
    Status s;
    try {
      s = answered.get(timeout.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s = Status.CANCELLED.withDescription("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      s = Status.DEADLINE_EXCEEDED.withDescription("no answer in " + timeout.toMillis() + " ms");
    }
    // A stream that goes on after its first message is not needed any longer.
    call.cancel("the trial call has its answer", null);
    String why = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    if (s.getCode() == Status.Code.UNIMPLEMENTED) {
      throw new IllegalArgumentException("target " + target + " does not serve " + template.fullMethodName()
          + " (" + why + ")");
    }
    if (s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      throw new IllegalArgumentException("target " + target + " is unreachable (" + why + ")");
    }
  }

  /** The target's settings for the run's summary. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", target);
    m.put("embedded", fleet != null);
    if (fleet != null) {
      m.put("transport", inProcess ? "inprocess" : "netty");
      m.put("backends", fleet.size());
      m.put("backendTargets", fleet.targets());
      if (balancer != null) {
        m.put("l4", balancer.mode().cliName());
        m.put("l4DelayMillis", balancer.delay().toMillis());
      }
    } else {
      m.put("tls", credentials instanceof TlsChannelCredentials);
      if (authority != null) {
        m.put("authority", authority);
      }
    }
    return m;
  }

  @Override
  public void close() {
    if (fleet != null) {
      fleet.close();
    }
  }

  /** An open channel or pool of a run; {@link #close} shuts it down and waits for it. */
  public static final class Connection implements AutoCloseable {
    private final ManagedChannel channel;

    Connection(ManagedChannel channel) {
      this.channel = channel;
    }

    public ManagedChannel channel() {
      return channel;
    }

    /** The pool, or null for a single channel. */
    public ChannelPool pool() {
      return channel instanceof ChannelPool ? (ChannelPool) channel : null;
    }

    @Override
    public void close() {
      if (channel instanceof ChannelPool) {
        ((ChannelPool) channel).close();
        return;
      }
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
