package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests that every call kind of the echo service round-trips payloads on both transports. */
class EchoRoundTripTest {

  enum Transport { IN_PROCESS, NETTY }

  enum Kind { UNARY, SERVER_STREAM, CLIENT_STREAM, BIDI }

  private static final int MESSAGES = 3;
  private static int serverCount;

  private final TestResources resources = new TestResources();

  @AfterEach
  void closeAll() throws Exception {
    resources.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Transport t : Transport.values()) {
      for (int size : new int[] {0, 1024, 1 << 20}) {
        for (Kind k : Kind.values()) {
          all.add(Arguments.of(t, size, k));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {2} {1} bytes")
  @MethodSource("cases")
  void eachCallKind_echoesPayloadAndBackendId(Transport transport, int size, Kind kind) throws Exception {
    BenchServer server = start(transport);
    EchoGrpc.EchoStub stub = EchoGrpc.newStub(resources.channelTo(server));
    ByteString payload = randomBytes(size, size + kind.ordinal());
    EchoRequest request = EchoRequest.newBuilder().setPayload(payload).setStreamMessages(MESSAGES).build();

    List<EchoResponse> answers = call(stub, kind, request);

    int expected = kind == Kind.SERVER_STREAM || kind == Kind.BIDI ? MESSAGES : 1;
    assertThat(answers).hasSize(expected);
    for (EchoResponse answer : answers) {
      assertThat(answer.getPayload().size()).isEqualTo(size);
      assertThat(answer.getPayload()).isEqualTo(payload);
      assertThat(answer.getBackendId()).isEqualTo(server.backendId());
    }
  }

  @Test
  void responseSize_overridesEchoedPayload() throws Exception {
    BenchServer server = start(Transport.NETTY);
    EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(resources.channelTo(server));

    EchoResponse big = stub.unary(EchoRequest.newBuilder().setPayload(randomBytes(10, 1))
        .setResponseSize(2 << 20).build());
    Iterator<EchoResponse> stream = stub.serverStream(EchoRequest.newBuilder().setResponseSize(7).build());

    assertThat(big.getPayload().size()).isEqualTo(2 << 20);
    assertThat(stream.next().getPayload().size()).isEqualTo(7);
    assertThat(stream.hasNext()).as("stream_messages 0 still answers once").isFalse();
  }

  private BenchServer start(Transport transport) {
    String id = "echo-" + (++serverCount);
    BenchServer.Builder builder = transport == Transport.NETTY
        ? BenchServer.netty(0) : BenchServer.inProcess("echo-round-trip-" + serverCount);
    return resources.server(builder.backendId(id).start());
  }

  /** Runs one call of {@code kind}; the streaming kinds send {@link #MESSAGES} requests, the last one last. */
  private static List<EchoResponse> call(EchoGrpc.EchoStub stub, Kind kind, EchoRequest request)
      throws Exception {
    Collector answers = new Collector();
    switch (kind) {
      case UNARY:
        stub.unary(request, answers);
        break;
      case SERVER_STREAM:
        stub.serverStream(request, answers);
        break;
      case CLIENT_STREAM: {
        StreamObserver<EchoRequest> requests = stub.clientStream(answers);
        requests.onNext(request.toBuilder().setPayload(ByteString.copyFromUtf8("first")).build());
        requests.onNext(request.toBuilder().setPayload(ByteString.copyFromUtf8("second")).build());
        requests.onNext(request);
        requests.onCompleted();
        break;
      }
      default: {
        StreamObserver<EchoRequest> requests = stub.bidi(answers);
        for (int i = 0; i < MESSAGES; i++) {
          requests.onNext(request);
        }
        requests.onCompleted();
        break;
      }
    }
    return answers.done.get(30, TimeUnit.SECONDS);
  }

  static ByteString randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  private static final class Collector implements StreamObserver<EchoResponse> {
    final List<EchoResponse> received = new ArrayList<>();
    final CompletableFuture<List<EchoResponse>> done = new CompletableFuture<>();

    @Override
    public synchronized void onNext(EchoResponse value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public synchronized void onCompleted() {
      done.complete(List.copyOf(received));
    }
  }
}
