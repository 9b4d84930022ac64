package dev.grpcpool.bench.load.call;

import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Makes one call of any kind the way a load generator would: send the messages, half-close, collect the answers. */
final class DynamicCalls {
  private DynamicCalls() {}

  /** Sends {@code requests} and returns every response; fails the test if the call does not end OK within 5 s. */
  static List<DynamicMessage> call(Channel channel, MethodDescriptor<DynamicMessage, DynamicMessage> method,
      List<DynamicMessage> requests, Metadata headers) throws Exception {
    List<DynamicMessage> responses = new ArrayList<>();
    CompletableFuture<Status> closed = new CompletableFuture<>();
    ClientCall<DynamicMessage, DynamicMessage> call =
        channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(DynamicMessage message) {
        synchronized (responses) {
          responses.add(message);
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, headers);
    call.request(Integer.MAX_VALUE);
    requests.forEach(call::sendMessage);
    call.halfClose();
    Status status = closed.get(10, TimeUnit.SECONDS);
    if (!status.isOk()) {
      throw new AssertionError("call ended " + status);
    }
    synchronized (responses) {
      return List.copyOf(responses);
    }
  }
}
