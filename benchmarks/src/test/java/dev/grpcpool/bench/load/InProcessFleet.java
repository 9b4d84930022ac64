package dev.grpcpool.bench.load;

import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.BenchServer;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** An in-process fleet and the channels of one test, all closed by {@link #close}. */
final class InProcessFleet implements AutoCloseable {
  final BenchFleet fleet;
  private final List<ManagedChannel> channels = new ArrayList<>();

  InProcessFleet(int backends) {
    this.fleet = BenchFleet.start(backends, BenchServer.inProcess("load-test-" + UUID.randomUUID()));
  }

  /** A channel to backend {@code i}, labelled with the backend's id. */
  ManagedChannel channel(int i) {
    ManagedChannel c = InProcessChannelBuilder.forName(fleet.targets().get(i))
        .directExecutor()
        .intercept(ChannelLabels.interceptor("channel-" + i, fleet.backend(i).backendId()))
        .build();
    channels.add(c);
    return c;
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
      if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new AssertionError("channel did not terminate");
      }
    }
    fleet.close();
  }
}
