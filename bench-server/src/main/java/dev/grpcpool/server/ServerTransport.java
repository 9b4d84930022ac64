package dev.grpcpool.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the gRPC {@link Server} behind a {@link BenchServer} from its settings: in-process or Netty, with the
 * server's own threads, limits, keepalive policy and credentials. A new one is built for every (re)start.
 *
 * <p>Stateless and thread-safe.
 */
final class ServerTransport {

  /** Inbound messages up to the largest answer plus framing room, so payloads can be echoed at any size. */
  static final int MAX_INBOUND_BYTES = RequestCheck.MAX_RESPONSE_BYTES + (64 << 10);

  private ServerTransport() {}

  static Server build(BenchServer.Builder settings, int port, ServerResources resources,
      ServerServiceDefinition echo, ServerServiceDefinition health) {
    echo = intercepted(echo, settings.interceptors);
    health = intercepted(health, settings.interceptors);
    if (settings.inProcessName != null) {
      InProcessServerBuilder b = InProcessServerBuilder.forName(settings.inProcessName)
          .maxInboundMessageSize(MAX_INBOUND_BYTES)
          .addService(echo)
          .addService(health);
      addReflection(b);
      resources.applyTo(b);
      return b.build();
    }
    NettyServerBuilder b = forAddress(settings, port)
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .addService(echo)
        .addService(health);
    addReflection(b);
    resources.applyTo(b);
    if (settings.maxConcurrentCallsPerConnection > 0) {
      b.maxConcurrentCallsPerConnection(settings.maxConcurrentCallsPerConnection);
    }
    if (settings.permitKeepAliveTime != null) {
      b.permitKeepAliveTime(settings.permitKeepAliveTime.toNanos(), TimeUnit.NANOSECONDS);
    }
    b.permitKeepAliveWithoutCalls(settings.permitKeepAliveWithoutCalls);
    if (settings.maxConnectionAge != null) {
      b.maxConnectionAge(settings.maxConnectionAge.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (settings.maxConnectionAgeGrace != null) {
      b.maxConnectionAgeGrace(settings.maxConnectionAgeGrace.toNanos(), TimeUnit.NANOSECONDS);
    }
    return b.build();
  }

  /**
   * Server reflection, so that tools that call any service (grpcurl, ghz, {@code grpcpool load --call}) find the
   * echo and health services by name. Both versions: v1 for current clients, v1alpha for the many that still ask
   * only for it. Not intercepted: reflection calls are neither counted nor failed on purpose.
   */
  @SuppressWarnings("deprecation")
  private static void addReflection(ServerBuilder<?> b) {
    b.addService(ProtoReflectionServiceV1.newInstance());
    b.addService(ProtoReflectionService.newInstance());
  }

  /**
   * Wraps the service so the caller's interceptors run first, in the order given, before any interceptor the
   * service already has (the echo service's call accounting and injected failures).
   */
  private static ServerServiceDefinition intercepted(
      ServerServiceDefinition service, List<ServerInterceptor> interceptors) {
    return interceptors.isEmpty() ? service : ServerInterceptors.interceptForward(service, interceptors);
  }

  /**
   * Netty parses the TLS files here, and its message for a file holding no certificate or key names neither
   * file: add them.
   */
  private static NettyServerBuilder forAddress(BenchServer.Builder settings, int port) {
    ServerCredentials credentials = credentials(settings);
    try {
      return NettyServerBuilder.forAddress(new InetSocketAddress(settings.host, port), credentials);
    } catch (IllegalArgumentException e) {
      if (settings.certChain == null) {
        throw e;
      }
      throw new IllegalArgumentException("cannot use TLS certificate " + settings.certChain + " with key "
          + settings.privateKey + (settings.clientCa == null ? "" : " and client CA " + settings.clientCa)
          + ": " + e.getMessage(), e);
    }
  }

  private static ServerCredentials credentials(BenchServer.Builder settings) {
    if (settings.certChain == null) {
      return InsecureServerCredentials.create();
    }
    try {
      if (settings.clientCa == null) {
        return TlsServerCredentials.create(settings.certChain, settings.privateKey);
      }
      return TlsServerCredentials.newBuilder()
          .keyManager(settings.certChain, settings.privateKey)
          .trustManager(settings.clientCa)
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TLS key or certificate: " + e.getMessage(), e);
    }
  }
}
