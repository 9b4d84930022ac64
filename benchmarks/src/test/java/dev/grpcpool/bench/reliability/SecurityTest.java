package dev.grpcpool.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.bench.cli.CliRun;
import dev.grpcpool.bench.jmh.ThrowawayCertificate;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security of the pool against the bench server: TLS and mutual TLS end to end with certificates generated
 * for the test, clear failures for a plaintext or untrusting client, and a standalone server that listens on
 * loopback only unless told otherwise, and says so.
 */
class SecurityTest {

  @TempDir
  static Path certDir;
  private static ThrowawayCertificate server;
  private static ThrowawayCertificate client;

  private final Cleanup cleanup = new Cleanup();
  private Process serveProcess;

  @BeforeAll
  static void generateCertificates() throws Exception {
    // Two keytool processes at once: each is a JVM start, seconds on a busy machine.
    CompletableFuture<ThrowawayCertificate> clientCertificates = CompletableFuture.supplyAsync(() -> {
      try {
        return ThrowawayCertificate.generate(certDir, "client", "grpcpool-test-client");
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    server = ThrowawayCertificate.generate(certDir, "server", "localhost");
    client = clientCertificates.get(120, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (serveProcess != null && serveProcess.isAlive()) {
      serveProcess.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    cleanup.close();
  }

  /** Promise: a pool of TLS channels carries calls and its grpc.health.v1 checks over TLS. */
  @Test
  void tlsPool_callsAndHealthChecksSucceed() throws Exception {
    BenchServer backend = cleanup.add(BenchServer.netty(0)
        .tls(server.certificate.toFile(), server.privateKey.toFile()).start());
    ChannelPool pool = cleanup.add(ChannelPool.create(tlsPool(backend,
        TlsChannelCredentials.newBuilder().trustManager(server.certificate.toFile()).build())
        .pickStrategy(PickStrategy.HEALTHY_FIRST).healthServiceName("")
        .healthCheckInterval(Duration.ofMillis(200)).build()));

    for (int i = 0; i < 4; i++) {
      assertThat(call(pool).getBackendId()).isEqualTo(backend.backendId());
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.stats().healthy() == pool.size());
  }

  /**
   * Promise: with mutual TLS the server answers a pool presenting a certificate it trusts, and refuses one
   * presenting none with UNAVAILABLE.
   */
  @Test
  void mutualTls_clientWithTrustedCertificateIsServed_clientWithoutOneIsRefused() throws Exception {
    BenchServer backend = cleanup.add(BenchServer.netty(0)
        .tls(server.certificate.toFile(), server.privateKey.toFile())
        .tlsClientAuth(client.certificate.toFile()).start());
    ChannelPool withCert = cleanup.add(ChannelPool.create(tlsPool(backend, TlsChannelCredentials.newBuilder()
        .trustManager(server.certificate.toFile())
        .keyManager(client.certificate.toFile(), client.privateKey.toFile()).build()).build()));
    ChannelPool withoutCert = cleanup.add(ChannelPool.create(tlsPool(backend, TlsChannelCredentials.newBuilder()
        .trustManager(server.certificate.toFile()).build()).build()));

    assertThat(call(withCert).getBackendId()).isEqualTo(backend.backendId());
    assertThatThrownBy(() -> call(withoutCert)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  /**
   * Promise: a plaintext pool against a TLS server, or a TLS pool that does not trust the server's certificate,
   * fails at once with UNAVAILABLE and a description, instead of hanging until the deadline.
   */
  @Test
  void plaintextOrUntrustingClient_againstTlsServer_failsClearlyWithUnavailable() throws Exception {
    BenchServer backend = cleanup.add(BenchServer.netty(0)
        .tls(server.certificate.toFile(), server.privateKey.toFile()).start());
    ChannelPool plaintext = cleanup.add(ChannelPool.create(PoolConfig.builder(backend.target()).size(1).build()));
    ChannelPool untrusting = cleanup.add(ChannelPool.create(tlsPool(backend,
        TlsChannelCredentials.newBuilder().trustManager(client.certificate.toFile()).build()).build()));

    for (ChannelPool pool : List.of(plaintext, untrusting)) {
      assertThatThrownBy(() -> call(pool)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).isNotBlank();
      });
    }
  }

  /** Promise: a bench server given no host listens on 127.0.0.1 only. */
  @Test
  void benchServer_withoutHost_listensOnLoopbackOnly() throws IOException {
    BenchServer backend = cleanup.add(BenchServer.netty(0).start());

    assertThat(ListeningSockets.addresses(backend.port())).containsExactly("127.0.0.1");
  }

  /** Promise: {@code grpcpool serve} listens on 127.0.0.1 unless told otherwise, and says so when it starts. */
  @Test
  void serve_listensOnLoopbackOnly_andSaysSo() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    serveProcess = CliRun.startProcess(lines, "serve", "--port", "0");
    await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(l -> l.startsWith("target ")));

    String address = lines.stream().filter(l -> l.startsWith("backend-0 ")).findFirst().orElseThrow()
        .substring("backend-0 ".length()).trim();
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    assertThat(lines.get(0).toLowerCase(Locale.ROOT)).contains("127.0.0.1").contains("loopback only");
    assertThat(address).startsWith("127.0.0.1:");
    assertThat(ListeningSockets.addresses(port)).containsExactly("127.0.0.1");
  }

  private static PoolConfig.Builder tlsPool(BenchServer backend, ChannelCredentials credentials) {
    return PoolConfig.builder(backend.target()).size(2)
        .channelBuilderFactory(target -> NettyChannelBuilder.forTarget(target, credentials));
  }

  private static dev.grpcpool.server.proto.EchoResponse call(ChannelPool pool) {
    return EchoGrpc.newBlockingStub(pool).withDeadlineAfter(20, TimeUnit.SECONDS)
        .unary(EchoRequest.getDefaultInstance());
  }

  /** Reads the kernel's table of listening TCP sockets ({@code /proc/net/tcp}, {@code tcp6}) on Linux. */
  static final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {}

    /** The local addresses listening on {@code port}: "127.0.0.1", "0.0.0.0", or another address in hex. */
    static List<String> addresses(int port) throws IOException {
      List<String> found = new ArrayList<>();
      String hexPort = String.format(Locale.ROOT, "%04X", port);
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        Path file = Path.of(table);
        if (!Files.exists(file)) {
          continue;
        }
        for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
          String[] f = line.trim().split("\\s+");
          String[] local = f[1].split(":");
          if (local[1].equals(hexPort) && f[3].equals(LISTEN)) {
            found.add(name(local[0]));
          }
        }
      }
      assertThat(Files.exists(Path.of("/proc/net/tcp"))).as("/proc/net/tcp (Linux) is needed").isTrue();
      return found;
    }

    private static String name(String hex) {
      switch (hex) {
        case "0100007F":
        case "0000000000000000FFFF00000100007F":
          return "127.0.0.1";
        case "00000000":
        case "00000000000000000000000000000000":
          return "0.0.0.0";
        default:
          return hex;
      }
    }
  }
}
