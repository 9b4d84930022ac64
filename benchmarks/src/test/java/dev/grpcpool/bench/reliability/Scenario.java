package dev.grpcpool.bench.reliability;

import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.BenchServer;
import dev.grpcpool.server.WorkProfile;
import dev.grpcpool.server.proto.EchoRequest;
import com.google.protobuf.ByteString;
import java.time.Duration;

/**
 * Shared settings of the fault scenarios: fleets on 127.0.0.1, the two pool topologies under test and the
 * load each scenario runs.
 *
 * <p>Stateless; thread-safe.
 */
final class Scenario {

  /** Health pass interval of every pool under test: short, so a scenario sees several passes in seconds. */
  static final Duration HEALTH_INTERVAL = Duration.ofMillis(200);
  /** Callers and their pacing: at most 6 × 200 = 1,200 calls/s, little enough for a loaded 2-core machine. */
  static final int CALLERS = 6;
  static final int RATE_PER_CALLER = 200;
  static final Duration DEADLINE = Duration.ofSeconds(2);
  static final EchoRequest REQUEST = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[64])).build();

  private Scenario() {}

  /** Three Netty backends with a 1 ms I/O wait per call, so calls are briefly in flight. */
  static BenchFleet fleet(Cleanup cleanup) {
    return cleanup.add(BenchFleet.start(3, BenchServer.netty(0).work(WorkProfile.io(1_000))));
  }

  /** A per-backend pool: channel i dials backend i, so the pool itself balances over the backends. */
  static PoolConfig.Builder perBackend(BenchFleet fleet, CountingNettyChannels net, PickStrategy strategy) {
    return PoolConfig.builder(fleet.targets()).size(fleet.size()).pickStrategy(strategy)
        .healthCheckInterval(HEALTH_INTERVAL).connectTimeout(Duration.ofSeconds(2))
        .channelBuilderFactory(net.factory());
  }

  /** One {@code static:///} target for every channel, each channel balancing itself with round_robin. */
  static PoolConfig.Builder oneTarget(BenchFleet fleet, CountingNettyChannels net, PickStrategy strategy) {
    return PoolConfig.builder(fleet.target()).size(fleet.size()).pickStrategy(strategy)
        .loadBalancingPolicy("round_robin")
        .healthCheckInterval(HEALTH_INTERVAL).connectTimeout(Duration.ofSeconds(2))
        .channelBuilderFactory(net.factory());
  }

  static String perBackendLabel(PickStrategy strategy) {
    return "3 channels, one per backend, " + strategy;
  }

  static String oneTargetLabel(PickStrategy strategy) {
    return "3 channels on static:/// + round_robin, " + strategy;
  }
}
