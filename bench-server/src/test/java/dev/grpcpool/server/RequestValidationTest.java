package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests that requests the server cannot honour are refused, and that requested failures and work apply. */
class RequestValidationTest {

  private final TestResources resources = new TestResources();
  private EchoGrpc.EchoBlockingStub stub;

  @BeforeEach
  void startServer() {
    BenchServer server = resources.server(BenchServer.inProcess("validation").start());
    stub = EchoGrpc.newBlockingStub(resources.channelTo(server)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeAll() throws Exception {
    resources.close();
  }

  static Stream<Arguments> unservable() {
    return Stream.of(
        Arguments.of(EchoRequest.newBuilder().setResponseSize(-1), "response_size"),
        Arguments.of(EchoRequest.newBuilder().setResponseSize((64 << 20) + 1), "response_size"),
        Arguments.of(EchoRequest.newBuilder().setResponseSize(Integer.MAX_VALUE), "response_size"),
        Arguments.of(EchoRequest.newBuilder().setCpuMicros(-5), "cpu_micros"),
        Arguments.of(EchoRequest.newBuilder().setIoMicros(-5), "io_micros"),
        Arguments.of(EchoRequest.newBuilder().setIoMicros(Long.MAX_VALUE), "io_micros"),
        Arguments.of(EchoRequest.newBuilder().setStreamMessages(-1), "stream_messages"),
        Arguments.of(EchoRequest.newBuilder().setStreamMessages(100_000).setResponseSize(1 << 20),
            "stream_messages x response bytes"),
        Arguments.of(EchoRequest.newBuilder().setFailWithCode(99), "fail_with_code"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unservable")
  void unservableRequest_isRefusedWithInvalidArgument(EchoRequest.Builder request, String field) {
    assertThatThrownBy(() -> stub.unary(request.build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains(field);
        });
  }

  @Test
  void unservableStreamingRequest_isRefusedWithInvalidArgument() {
    Iterator<EchoResponse> answers = stub.serverStream(EchoRequest.newBuilder().setStreamMessages(-3).build());

    assertThatThrownBy(answers::hasNext)
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void failWithCode_failsTheCallWithThatStatus() {
    assertThatThrownBy(() -> stub.unary(EchoRequest.newBuilder()
        .setFailWithCode(Status.Code.RESOURCE_EXHAUSTED.value()).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void defaultWork_appliesOnlyWhenTheRequestNamesNone() {
    BenchServer slow = resources.server(BenchServer.inProcess("validation-default-work")
        .work(WorkProfile.io(300_000)).start());
    EchoGrpc.EchoBlockingStub slowStub = EchoGrpc.newBlockingStub(resources.channelTo(slow));

    long start = System.nanoTime();
    slowStub.unary(EchoRequest.getDefaultInstance());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void workProfile_rejectsBadAmounts() {
    assertThatThrownBy(() -> WorkProfile.cpu(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpuMicros");
    assertThatThrownBy(() -> WorkProfile.io(WorkProfile.MAX_MICROS + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ioMicros");
    assertThatThrownBy(() -> WorkProfile.of(WorkProfile.Kind.IO, 5, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cpuMicros");
    assertThat(WorkProfile.of(WorkProfile.Kind.MIXED, 5, 10)).isEqualTo(WorkProfile.mixed(5, 10));
  }

  @Test
  void workPreset_isOfItsKind_withTheDocumentedAmounts() {
    assertThat(WorkProfile.preset(WorkProfile.Kind.NONE)).isEqualTo(WorkProfile.none());
    assertThat(WorkProfile.preset(WorkProfile.Kind.CPU)).isEqualTo(WorkProfile.cpu(100));
    assertThat(WorkProfile.preset(WorkProfile.Kind.IO)).isEqualTo(WorkProfile.io(1_000));
    assertThat(WorkProfile.preset(WorkProfile.Kind.MIXED)).isEqualTo(WorkProfile.mixed(50, 500));
  }
}
