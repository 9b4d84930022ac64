package dev.grpcpool.bench.load.call;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The servers and channels of one test, started on demand and all shut down by {@link #close}. */
final class TestServers implements AutoCloseable {
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /**
   * Serves {@code services} over Netty on 127.0.0.1 (a free port) and returns a plaintext channel to it.
   *
   * @param interceptor intercepts every call of the services, or null
   */
  ManagedChannel netty(ServerInterceptor interceptor, BindableService... services) throws IOException {
    ServerBuilder<?> builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    Server server = start(builder, interceptor, services);
    return channel(Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(),
        InsecureChannelCredentials.create()).build());
  }

  /** Serves {@code services} in-process and returns a channel to them. */
  ManagedChannel inProcess(BindableService... services) throws IOException {
    String name = InProcessServerBuilder.generateName();
    start(InProcessServerBuilder.forName(name).directExecutor(), null, services);
    return channel(InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  private Server start(ServerBuilder<?> builder, ServerInterceptor interceptor, BindableService... services)
      throws IOException {
    for (BindableService service : services) {
      builder.addService(interceptor == null ? service.bindService()
          : ServerInterceptors.intercept(service, interceptor));
    }
    Server server = builder.build().start();
    servers.add(server);
    return server;
  }

  private ManagedChannel channel(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      if (!c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS)) {
        throw new AssertionError("channel did not terminate");
      }
    }
    for (Server s : servers) {
      if (!s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS)) {
        throw new AssertionError("server did not terminate");
      }
    }
  }
}
