package dev.grpcpool.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * Servers, fleets and channels a test opened, closed in reverse order by {@link #close()} (from
 * {@code @AfterEach}); closing fails the test if a channel does not terminate.
 *
 * <p>Not thread-safe: used from the test thread only.
 */
final class TestResources implements AutoCloseable {

  /** Clients accept the largest answers the server may build in these tests. */
  private static final int MAX_INBOUND = 16 << 20;

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  BenchServer server(BenchServer server) {
    opened.push(server);
    return server;
  }

  BenchFleet fleet(BenchFleet fleet) {
    opened.push(fleet);
    return fleet;
  }

  /** A plaintext channel to a Netty target, or an in-process channel to a name. */
  ManagedChannel channelTo(BenchServer server) {
    return server.port() < 0 ? inProcessChannel(server.target()) : nettyChannel(server.target());
  }

  ManagedChannel nettyChannel(String target) {
    return channel(ManagedChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(MAX_INBOUND)
        .build());
  }

  ManagedChannel inProcessChannel(String name) {
    return channel(InProcessChannelBuilder.forName(name).maxInboundMessageSize(MAX_INBOUND).build());
  }

  ManagedChannel channel(ManagedChannel channel) {
    opened.push(() -> {
      channel.shutdownNow();
      if (!channel.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new AssertionError("channel did not terminate: " + channel);
      }
    });
    return channel;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
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
