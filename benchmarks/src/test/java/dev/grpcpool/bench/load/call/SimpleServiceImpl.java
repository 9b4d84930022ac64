package dev.grpcpool.bench.load.call;

import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.util.ArrayList;
import java.util.List;

/**
 * grpc-java's test service, with answers that show what arrived: unary answers {@code "unary:" + message};
 * server streaming answers each comma-separated part of the message; client streaming answers all messages
 * joined by {@code +}; bidi answers {@code "echo:" + message} to each.
 */
final class SimpleServiceImpl extends SimpleServiceGrpc.SimpleServiceImplBase {

  @Override
  public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
    responses.onNext(response("unary:" + request.getRequestMessage()));
    responses.onCompleted();
  }

  @Override
  public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
    for (String part : request.getRequestMessage().split(",")) {
      responses.onNext(response(part));
    }
    responses.onCompleted();
  }

  @Override
  public StreamObserver<SimpleRequest> clientStreamingRpc(StreamObserver<SimpleResponse> responses) {
    return new Receiver(responses, false);
  }

  @Override
  public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> responses) {
    return new Receiver(responses, true);
  }

  /** Answers each message as it comes (bidi), or all of them joined at the end (client streaming). */
  private static final class Receiver implements StreamObserver<SimpleRequest> {
    private final StreamObserver<SimpleResponse> responses;
    private final boolean answerEach;
    private final List<String> received = new ArrayList<>();

    Receiver(StreamObserver<SimpleResponse> responses, boolean answerEach) {
      this.responses = responses;
      this.answerEach = answerEach;
    }

    @Override
    public void onNext(SimpleRequest request) {
      if (answerEach) {
        responses.onNext(response("echo:" + request.getRequestMessage()));
      } else {
        received.add(request.getRequestMessage());
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {
      if (!answerEach) {
        responses.onNext(response(String.join("+", received)));
      }
      responses.onCompleted();
    }
  }

  private static SimpleResponse response(String message) {
    return SimpleResponse.newBuilder().setResponseMessage(message).build();
  }
}
