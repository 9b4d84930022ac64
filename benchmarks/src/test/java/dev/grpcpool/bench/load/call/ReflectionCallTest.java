package dev.grpcpool.bench.load.call;

import static dev.grpcpool.bench.load.call.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tests for {@link MethodResolver} through server reflection, against servers this project wrote no service for:
 * grpc-java's health service with its reflection service (v1, or only v1alpha), over Netty on 127.0.0.1.
 */
class ReflectionCallTest {
  private static final String V1 = "grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
  private static final String V1ALPHA = "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

  /** The reflection services grpc-java ships. */
  @SuppressWarnings("deprecation") // ProtoReflectionService is v1alpha's: the old servers the fallback is for.
  enum Reflection {
    V1(ProtoReflectionServiceV1::newInstance),
    V1ALPHA_ONLY(ProtoReflectionService::newInstance);

    final Supplier<BindableService> service;

    Reflection(Supplier<BindableService> service) {
      this.service = service;
    }
  }

  private final TestServers servers = new TestServers();
  /** The full names of the methods the client called, in order. */
  private final List<String> called = new CopyOnWriteArrayList<>();
  /** Reflection calls the server has started and not yet seen end. */
  private final AtomicInteger openOnServer = new AtomicInteger();

  @AfterEach
  void close() throws InterruptedException {
    servers.close();
  }

  @ParameterizedTest
  @EnumSource(Reflection.class)
  void healthCheck_resolvedByReflection_answersServing(Reflection reflection) throws Exception {
    ManagedChannel channel = servers.netty(countOpenCalls(), new HealthStatusManager().getHealthService(),
        reflection.service.get());

    Channel recorded = recording(channel);

    Descriptors.MethodDescriptor check = MethodResolver.reflection(recorded, Duration.ofSeconds(10))
        .resolve("grpc.health.v1.Health/Check");
    List<DynamicMessage> answers = DynamicCalls.call(recorded, DynamicMethod.of(check),
        RequestData.parse(check, "{\"service\": \"\"}", 0).messages(0), new Metadata());

    assertThat(check.getInputType().getFullName()).isEqualTo("grpc.health.v1.HealthCheckRequest");
    assertThat(answers).hasSize(1);
    assertThat(JsonFormat.printer().print(answers.get(0))).contains("\"status\": \"SERVING\"");
    assertThat(called).containsExactlyElementsOf(reflection == Reflection.V1
        ? List.of(V1, "grpc.health.v1.Health/Check") : List.of(V1, V1ALPHA, "grpc.health.v1.Health/Check"));
    await().atMost(Duration.ofSeconds(5)).until(() -> openOnServer.get() == 0);
  }

  @Test
  void dottedMethodName_resolvesLikeTheSlashedOne() throws Exception {
    ManagedChannel channel = servers.netty(null, new HealthStatusManager().getHealthService(),
        ProtoReflectionServiceV1.newInstance());

    Descriptors.MethodDescriptor watch = MethodResolver.reflection(channel, Duration.ofSeconds(10))
        .resolve("grpc.health.v1.Health.Watch");

    assertThat(watch.getFullName()).isEqualTo("grpc.health.v1.Health.Watch");
    assertThat(DynamicMethod.of(watch).getType()).isEqualTo(MethodDescriptor.MethodType.SERVER_STREAMING);
  }

  @ParameterizedTest
  @EnumSource(Reflection.class)
  void unknownService_isRefusedNamingTheServicesTheServerHas(Reflection reflection) throws Exception {
    ManagedChannel channel = servers.netty(countOpenCalls(), new HealthStatusManager().getHealthService(),
        reflection.service.get());
    MethodResolver resolver = MethodResolver.reflection(channel, Duration.ofSeconds(10));

    assertRefused(() -> resolver.resolve("grpc.health.v1.Helth/Check"), "unknown service grpc.health.v1.Helth",
        "grpc.health.v1.Health");
    await().atMost(Duration.ofSeconds(5)).until(() -> openOnServer.get() == 0);
  }

  @Test
  void unknownMethod_isRefusedNamingTheServicesMethods() throws Exception {
    ManagedChannel channel = servers.netty(null, new HealthStatusManager().getHealthService(),
        ProtoReflectionServiceV1.newInstance());
    MethodResolver resolver = MethodResolver.reflection(channel, Duration.ofSeconds(10));

    assertRefused(() -> resolver.resolve("grpc.health.v1.Health/Chek"), "unknown method Chek",
        "grpc.health.v1.Health", "Check", "Watch");
  }

  @Test
  void serverWithoutReflection_isRefusedAskingForAProtoset() throws Exception {
    ManagedChannel channel = servers.netty(null, new HealthStatusManager().getHealthService());
    MethodResolver resolver = MethodResolver.reflection(channel, Duration.ofSeconds(10));

    assertRefused(() -> resolver.resolve("grpc.health.v1.Health/Check"),
        "does not offer server reflection; give --protoset");
  }

  @Test
  void malformedMethodName_isRefused() throws Exception {
    ManagedChannel channel = servers.netty(null, ProtoReflectionServiceV1.newInstance());
    MethodResolver resolver = MethodResolver.reflection(channel, Duration.ofSeconds(10));

    for (String bad : new String[] {"Check", "grpc.health.v1.Health/", "a/b/c", ""}) {
      assertRefused(() -> resolver.resolve(bad), "--call must be package.Service/Method");
    }
  }

  @Test
  void importsTheServerDoesNotSend_areAskedForByName_andWellKnownTypesTakenFromTheRuntime() throws Exception {
    OneFileReflection reflection = new OneFileReflection(false, ShopFiles.SHOP_FILE, ShopFiles.TYPES_FILE);
    ManagedChannel channel = servers.inProcess(reflection);

    Descriptors.MethodDescriptor upload = MethodResolver.reflection(channel, Duration.ofSeconds(10))
        .resolve("test.shop.Shop/Upload");

    assertThat(reflection.asked).containsExactly("FILE_CONTAINING_SYMBOL test.shop.Shop",
        "FILE_BY_FILENAME test/types.proto");
    assertThat(DynamicMethod.of(upload).getType()).isEqualTo(MethodDescriptor.MethodType.CLIENT_STREAMING);
    DynamicMessage order = RequestData.parse(upload, "{\"at\": \"2024-05-01T12:00:00Z\"}", 0).messages(0).get(0);
    assertThat(JsonFormat.printer().print(order)).contains("\"at\": \"2024-05-01T12:00:00Z\"");
  }

  @Test
  void serverThatDoesNotAnswer_failsAtTheDeadline() throws Exception {
    ManagedChannel channel = servers.inProcess(new OneFileReflection(true));

    long start = System.nanoTime();
    assertRefused(() -> MethodResolver.reflection(channel, Duration.ofMillis(300)).resolve("test.shop.Shop/Buy"),
        "server reflection failed: DEADLINE_EXCEEDED");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  /** The channel, recording the name of every method the client calls. */
  private Channel recording(Channel channel) {
    return ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
          Channel next) {
        called.add(method.getFullMethodName());
        return next.newCall(method, options);
      }
    });
  }

  /** Counts the server's calls that have started and not yet ended (completed or cancelled). */
  private ServerInterceptor countOpenCalls() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        openOnServer.incrementAndGet();
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
          @Override
          public void onComplete() {
            openOnServer.decrementAndGet();
            super.onComplete();
          }

          @Override
          public void onCancel() {
            openOnServer.decrementAndGet();
            super.onCancel();
          }
        };
      }
    };
  }
}
