package dev.grpcpool.bench.load.call;

import static dev.grpcpool.bench.load.call.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerInterceptor;
import io.grpc.testing.protobuf.SimpleServiceProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link MethodResolver#protoset}, {@link DynamicMethod} and {@link CallMetadata} against grpc-java's
 * {@code grpc.testing.SimpleService}, served on Netty without reflection: the client knows it only from a
 * descriptor set file, and makes each of the four call kinds with dynamic messages.
 */
class ProtosetCallTest {
  private static final String SERVICE = "grpc.testing.SimpleService";

  @TempDir
  Path dir;

  private final TestServers servers = new TestServers();
  private final AtomicReference<Metadata> lastHeaders = new AtomicReference<>();
  private ManagedChannel channel;
  private MethodResolver resolver;

  @BeforeEach
  void start() throws Exception {
    ServerInterceptor headers = new ServerInterceptor() {
      @Override
      public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata h,
          io.grpc.ServerCallHandler<Q, R> next) {
        lastHeaders.set(h);
        return next.startCall(call, h);
      }
    };
    channel = servers.netty(headers, new SimpleServiceImpl());
    resolver = MethodResolver.protoset(Protosets.write(dir.resolve("simple.protoset"),
        SimpleServiceProto.getDescriptor()));
  }

  @AfterEach
  void close() throws InterruptedException {
    servers.close();
  }

  @Test
  void unary_sendsOneMessageAndGetsOneAnswer() throws Exception {
    assertThat(call("UnaryRpc", MethodType.UNARY, "{\"requestMessage\": \"hi\"}")).containsExactly("unary:hi");
  }

  @Test
  void serverStreaming_getsEveryAnswer() throws Exception {
    assertThat(call("ServerStreamingRpc", MethodType.SERVER_STREAMING, "{\"requestMessage\": \"a,b,c\"}"))
        .containsExactly("a", "b", "c");
  }

  @Test
  void clientStreaming_sendsTheArraysMessagesInOrder() throws Exception {
    assertThat(call("ClientStreamingRpc", MethodType.CLIENT_STREAMING,
        "[{\"requestMessage\": \"x\"}, {\"requestMessage\": \"y\"}, {\"requestMessage\": \"z\"}]"))
        .containsExactly("x+y+z");
  }

  @Test
  void bidiStreaming_getsAnAnswerToEachMessage() throws Exception {
    assertThat(call("BidiStreamingRpc", MethodType.BIDI_STREAMING,
        "[{\"requestMessage\": \"1\"}, {\"requestMessage\": \"2\"}]"))
        .containsExactly("echo:1", "echo:2");
  }

  @Test
  void dottedMethodName_resolvesLikeTheSlashedOne() {
    assertThat(resolver.resolve(SERVICE + ".UnaryRpc")).isSameAs(resolver.resolve(SERVICE + "/UnaryRpc"));
  }

  @Test
  void metadata_reachesTheServer() throws Exception {
    Descriptors.MethodDescriptor unary = resolver.resolve(SERVICE + "/UnaryRpc");

    DynamicCalls.call(channel, DynamicMethod.of(unary), RequestData.parse(unary, "{}", 0).messages(0),
        CallMetadata.parse(List.of("x-user=alice", "trace-bin=AQID")));

    Metadata h = lastHeaders.get();
    assertThat(h.get(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("alice");
    assertThat(h.get(Metadata.Key.of("trace-bin", Metadata.BINARY_BYTE_MARSHALLER))).containsExactly(1, 2, 3);
  }

  @Test
  void unknownService_isRefusedNamingTheProtosetsServices() {
    assertRefused(() -> resolver.resolve("grpc.testing.Nope/UnaryRpc"), "unknown service grpc.testing.Nope",
        "simple.protoset", SERVICE);
  }

  @Test
  void unknownMethod_isRefusedNamingTheServicesMethods() {
    assertRefused(() -> resolver.resolve(SERVICE + "/Unary"), "unknown method Unary", SERVICE, "UnaryRpc",
        "ClientStreamingRpc", "ServerStreamingRpc", "BidiStreamingRpc");
  }

  @Test
  void missingProtoset_isRefused() {
    assertRefused(() -> MethodResolver.protoset(dir.resolve("absent.protoset")), "cannot read protoset",
        "absent.protoset", "no such file");
  }

  @Test
  void garbageProtoset_isRefusedAsNotADescriptorSet() throws Exception {
    Path text = Files.writeString(dir.resolve("text.protoset"), "service Foo { rpc Bar(A) returns (B); }\n");
    Path bytes = Files.write(dir.resolve("bytes.protoset"), new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x0a});
    Path empty = Files.write(dir.resolve("empty.protoset"), new byte[0]);

    for (Path garbage : List.of(text, bytes, empty)) {
      assertRefused(() -> MethodResolver.protoset(garbage), garbage.getFileName().toString(),
          "is not a descriptor set", "--descriptor_set_out");
    }
  }

  @Test
  void protosetWithoutImports_isRefusedNamingTheMissingFile() throws Exception {
    Path file = Protosets.write(dir.resolve("shop.protoset"), List.of(ShopFiles.SHOP));

    assertRefused(() -> MethodResolver.protoset(file), "lacks test/types.proto", "imported by test/shop.proto",
        "--include_imports");
  }

  @Test
  void protosetInAnyOrder_withoutWellKnownTypes_resolves() throws Exception {
    Path file = Protosets.write(dir.resolve("shop.protoset"), List.of(ShopFiles.SHOP, ShopFiles.TYPES));

    Descriptors.MethodDescriptor chat = MethodResolver.protoset(file).resolve("test.shop.Shop/Chat");

    assertThat(chat.getInputType().findFieldByName("at").getMessageType().getFullName())
        .isEqualTo("google.protobuf.Timestamp");
    assertThat(DynamicMethod.of(chat).getType()).isEqualTo(MethodType.BIDI_STREAMING);
  }

  @Test
  void protosetThatDoesNotBuild_isRefusedInOneLine() throws Exception {
    Path file = Protosets.write(dir.resolve("broken.protoset"), List.of(ShopFiles.TYPES.toBuilder()
        .setMessageType(0, ShopFiles.TYPES.getMessageType(0).toBuilder().setField(1,
            ShopFiles.TYPES.getMessageType(0).getField(1).toBuilder().setTypeName(".test.types.Nothing")))
        .build()));

    assertRefused(() -> MethodResolver.protoset(file), "cannot build test/types.proto", "test.types.Nothing");
  }

  /** Resolves {@code method} of SimpleService, checks its call type, calls it with {@code json}: the answers. */
  private List<String> call(String method, MethodType type, String json) throws Exception {
    Descriptors.MethodDescriptor descriptor = resolver.resolve(SERVICE + "/" + method);
    io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> dynamic = DynamicMethod.of(descriptor);
    assertThat(dynamic.getFullMethodName()).isEqualTo(SERVICE + "/" + method);
    assertThat(dynamic.getType()).isEqualTo(type);
    return DynamicCalls.call(channel, dynamic, RequestData.parse(descriptor, json, 0).messages(0), new Metadata())
        .stream()
        .map(m -> (String) m.getField(descriptor.getOutputType().findFieldByName("responseMessage")))
        .toList();
  }
}
