package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests {@link BenchServer.Builder#interceptors}: what the caller's interceptors see, when, and on which calls. */
class InterceptorTest {

  enum Transport { IN_PROCESS, NETTY }

  private static final Metadata.Key<String> TENANT = Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER);
  private static final String AUTHORITY = "echo.test:8443";
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final TestResources resources = new TestResources();

  @AfterEach
  void closeAll() throws Exception {
    resources.close();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void interceptor_seesAuthorityAndHeaders_ofEchoAndHealthCalls(Transport transport) {
    Recorder recorder = new Recorder("seen");
    BenchServer server = resources.server(builder(transport).interceptors(recorder).start());
    ManagedChannel channel = channelWithAuthority(server);

    EchoGrpc.newBlockingStub(channel).withInterceptors(tenant("blue")).unary(EchoRequest.getDefaultInstance());
    HealthGrpc.newBlockingStub(channel).withInterceptors(tenant("green"))
        .check(HealthCheckRequest.getDefaultInstance());

    assertThat(recorder.calls).containsExactly(
        "seen grpcpool.echo.v1.Echo/Unary authority=" + AUTHORITY + " tenant=blue",
        "seen grpc.health.v1.Health/Check authority=" + AUTHORITY + " tenant=green");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void rejectingInterceptor_failsTheCallWithItsStatus_beforeTheServiceCountsIt(Transport transport) {
    BenchServer server = resources.server(builder(transport).interceptors(new TenantRequired()).start());
    ManagedChannel channel = resources.channelTo(server);
    EchoGrpc.EchoBlockingStub echo = EchoGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> echo.unary(EchoRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).isEqualTo("x-tenant header required");
        });
    assertThatThrownBy(() -> HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(server.callsServed()).as("a rejected call never reaches the echo service").isZero();

    assertThat(echo.withInterceptors(tenant("blue")).unary(EchoRequest.getDefaultInstance()).getBackendId())
        .isEqualTo(server.backendId());
    assertThat(server.callsServed()).isEqualTo(1);
  }

  @Test
  void interceptors_runInTheOrderGiven_beforeInjectedFailures_andSurviveRestart() {
    List<String> log = new CopyOnWriteArrayList<>();
    BenchServer server = resources.server(builder(Transport.NETTY)
        .interceptors(new Recorder("first", log), new Recorder("second", log)).start());
    ManagedChannel channel = resources.channelTo(server);
    EchoGrpc.EchoBlockingStub echo = EchoGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    server.failNext(1, Status.Code.ABORTED);

    assertThatThrownBy(() -> echo.unary(EchoRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
    assertThat(log).extracting(s -> s.substring(0, s.indexOf(' '))).containsExactly("first", "second");

    server.restart();
    // Until the client has read the old server's GOAWAY it may put a call on the closing connection, and gRPC
    // fails such a call with UNAVAILABLE instead of retrying it; this test is about the interceptors, so it waits.
    await().atMost(Duration.ofSeconds(30)).until(() -> channel.getState(false) != ConnectivityState.READY);
    log.clear();
    echo.withWaitForReady().unary(EchoRequest.getDefaultInstance());
    assertThat(log).extracting(s -> s.substring(0, s.indexOf(' '))).containsExactly("first", "second");
  }

  @Test
  void fleet_givesEveryBackendTheTemplatesInterceptors() {
    Recorder recorder = new Recorder("seen");
    BenchFleet fleet = resources.fleet(
        BenchFleet.start(2, BenchServer.inProcess("intercepted-fleet-" + NAMES.incrementAndGet())
            .interceptors(recorder)));

    for (String target : fleet.targets()) {
      EchoGrpc.newBlockingStub(resources.inProcessChannel(target)).withInterceptors(tenant(target))
          .unary(EchoRequest.getDefaultInstance());
    }

    assertThat(recorder.calls).hasSize(2)
        .anyMatch(s -> s.endsWith("tenant=" + fleet.targets().get(0)))
        .anyMatch(s -> s.endsWith("tenant=" + fleet.targets().get(1)));
  }

  @Test
  void interceptors_refuseNull() {
    assertThatThrownBy(() -> BenchServer.netty(0).interceptors((ServerInterceptor[]) null))
        .isInstanceOf(NullPointerException.class).hasMessage("interceptors");
    assertThatThrownBy(() -> BenchServer.netty(0).interceptors(new Recorder("a"), null))
        .isInstanceOf(NullPointerException.class).hasMessage("interceptors[1]");
  }

  // ---------------------------------------------------------------- helpers

  private static BenchServer.Builder builder(Transport transport) {
    return transport == Transport.NETTY
        ? BenchServer.netty(0)
        : BenchServer.inProcess("intercepted-" + NAMES.incrementAndGet());
  }

  /** A channel that sends {@link #AUTHORITY} as {@code :authority}, whatever the server's address. */
  private ManagedChannel channelWithAuthority(BenchServer server) {
    ManagedChannelBuilder<?> builder = server.port() < 0
        ? InProcessChannelBuilder.forName(server.target())
        : ManagedChannelBuilder.forTarget(server.target()).usePlaintext();
    return resources.channel(builder.overrideAuthority(AUTHORITY).build());
  }

  private static io.grpc.ClientInterceptor tenant(String value) {
    Metadata headers = new Metadata();
    headers.put(TENANT, value);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  /** Records each call's method, authority and tenant header. Thread-safe. */
  private static final class Recorder implements ServerInterceptor {
    final String name;
    final List<String> calls;

    Recorder(String name) {
      this(name, new CopyOnWriteArrayList<>());
    }

    Recorder(String name, List<String> calls) {
      this.name = name;
      this.calls = calls;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      calls.add(name + " " + call.getMethodDescriptor().getFullMethodName() + " authority=" + call.getAuthority()
          + " tenant=" + headers.get(TENANT));
      return next.startCall(call, headers);
    }
  }

  /** Refuses calls without an {@code x-tenant} header, as an authenticating interceptor would. Thread-safe. */
  private static final class TenantRequired implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      if (headers.get(TENANT) == null) {
        call.close(Status.UNAUTHENTICATED.withDescription("x-tenant header required"), new Metadata());
        return new ServerCall.Listener<ReqT>() {};
      }
      return next.startCall(call, headers);
    }
  }
}
