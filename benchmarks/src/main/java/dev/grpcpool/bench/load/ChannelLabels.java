package dev.grpcpool.bench.load;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/**
 * Labels the channels a load run sends through, so the run can attribute each call, failed ones included, to the
 * channel (and, when a channel dials one backend, to the backend) that carried it.
 *
 * <p>Install {@link #interceptor} on each channel's builder (the pool's channel factory does that for pools the
 * load generator builds). Thread-safe and stateless.
 */
public final class ChannelLabels {
  private ChannelLabels() {}

  /**
   * An interceptor that tags the calls of the load generator passing through it.
   *
   * @param label the channel's name in the run's summary, for example its target
   * @param backendId the backend behind the channel when it dials exactly one, or null
   */
  public static ClientInterceptor interceptor(String label, String backendId) {
    return new Tagger(label, backendId);
  }

  private static final class Tagger implements ClientInterceptor {
    private final String label;
    private final String backendId;

    Tagger(String label, String backendId) {
      this.label = label;
      this.backendId = backendId;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
      // The call travels in its options: a pool in between wraps the listener, but passes the options on.
      LoadCall call = callOptions.getOption(LoadCall.KEY);
      if (call != null) {
        call.channel(label, backendId);
      }
      return next.newCall(method, callOptions);
    }
  }
}
