package dev.grpcpool.bench;

import dev.grpcpool.bench.jmh.Fixtures;
import dev.grpcpool.bench.jmh.ThrowawayCertificate;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The anti-pattern pooling exists to avoid: a new channel for every call (build it, connect, handshake, call,
 * shut it down) against one channel reused for every call, to a Netty echo server on loopback, in plaintext and
 * with TLS (a throw-away self-signed certificate made at set-up, trusted by the client).
 *
 * <p>How to read it: the score is microseconds per call, one blocking unary call at a time from one thread,
 * lower is better; the ratio of {@code NEW_PER_CALL} to {@code REUSED} for one transport is what a channel per
 * call costs. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per call in this JVM,
 * client and server together (both sides are here, for both variants alike). A new channel is shut down after
 * its call without waiting for it to terminate, as code that makes one per call does; its TCP connection then
 * closes in the background (loopback reuses the ports of closed connections, so a run does not run out of them).
 *
 * <p>Time budget (default settings): 2 transports × 2 variants = 4 trials, each 1 fork × (3 warm-up × 5 s +
 * 3 measurement × 3 s) = 24 s, plus about 3 s to start: about 2 minutes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class ChannelPerCallBenchmark {

  /** How the bytes travel. */
  public enum Transport {
    PLAINTEXT,
    TLS
  }

  /** Where each call's channel comes from. */
  public enum Channels {
    /** A channel built for the call and shut down after it: the anti-pattern. */
    NEW_PER_CALL,
    /** One channel, connected at set-up, for every call. */
    REUSED
  }

  @Param({"PLAINTEXT", "TLS"})
  public Transport transport;

  @Param({"NEW_PER_CALL", "REUSED"})
  public Channels channels;

  private final EchoRequest request = Fixtures.request();
  private Path certificateDir;
  private BenchServer server;
  private ChannelCredentials credentials;
  private ManagedChannel reused;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    BenchServer.Builder builder = BenchServer.netty(0);
    if (transport == Transport.TLS) {
      certificateDir = Files.createTempDirectory("grpcpool-channel-per-call");
      ThrowawayCertificate cert = ThrowawayCertificate.generate(certificateDir, "server", "localhost");
      builder.tls(cert.certificate.toFile(), cert.privateKey.toFile());
      credentials = TlsChannelCredentials.newBuilder().trustManager(cert.certificate.toFile()).build();
    } else {
      credentials = InsecureChannelCredentials.create();
    }
    server = builder.start();
    if (channels == Channels.REUSED) {
      reused = newChannel();
      Fixtures.warmUp(reused);
    }
  }

  private ManagedChannel newChannel() {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), credentials).build();
  }

  /** One blocking unary call, on a new channel or on the reused one. */
  @Benchmark
  @Threads(1)
  public EchoResponse call() {
    if (reused != null) {
      return unary(reused);
    }
    ManagedChannel channel = newChannel();
    try {
      return unary(channel);
    } finally {
      channel.shutdown();
    }
  }

  private EchoResponse unary(ManagedChannel channel) {
    return EchoGrpc.newBlockingStub(channel)
        .withDeadlineAfter(Fixtures.WARM_UP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .unary(request);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException, IOException {
    try {
      Fixtures.close(reused);
    } finally {
      try {
        server.close();
      } finally {
        deleteCertificates();
      }
    }
  }

  private void deleteCertificates() throws IOException {
    if (certificateDir == null) {
      return;
    }
    try (Stream<Path> files = Files.list(certificateDir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    Files.delete(certificateDir);
  }

  /*
   * How to run:
   *   java -jar benchmarks/target/benchmarks.jar ChannelPerCall -prof gc
   *   java -jar benchmarks/target/benchmarks.jar ChannelPerCall -p transport=TLS -prof gc -f 3
   *
   * What to expect: a reused channel costs one round trip on loopback (tens of µs); a new channel adds a TCP
   * connection, the HTTP/2 preface and settings, and with TLS a handshake with its key exchange: several
   * times the call itself, and far more bytes per call.
   */
}
