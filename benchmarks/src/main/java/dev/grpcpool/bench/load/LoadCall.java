package dev.grpcpool.bench.load;

import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listener of one unary call of a load run: remembers when the call was meant to start and when it was sent,
 * which channel carried it and which backend answered, and reports its end to the generator.
 *
 * <p>gRPC calls a listener's methods one at a time; {@link #channel} is set by {@link ChannelLabels} when the
 * labelled channel creates the call, on the sending thread. The fields are read after {@code onClose}, which gRPC
 * orders after both.
 */
final class LoadCall extends ClientCall.Listener<EchoResponse> {
  /** Carries the call to {@link ChannelLabels} through whatever channels (a pool) lie in between. */
  static final CallOptions.Key<LoadCall> KEY = CallOptions.Key.create("grpcpool-load-call");

  private final LoadGenerator generator;
  private final long intendedNanos;
  private final long sentNanos;
  private final boolean measured;
  private volatile String channel;
  private volatile String backend;
  private final AtomicBoolean closed = new AtomicBoolean();

  LoadCall(LoadGenerator generator, long intendedNanos, long sentNanos, boolean measured) {
    this.generator = generator;
    this.intendedNanos = intendedNanos;
    this.sentNanos = sentNanos;
    this.measured = measured;
  }

  /** False for a warm-up call: meant to start before the measurement, it is never recorded. */
  boolean measured() {
    return measured;
  }

  long intendedNanos() {
    return intendedNanos;
  }

  long sentNanos() {
    return sentNanos;
  }

  /** The label of the channel that carried the call, or null when the channel is not labelled. */
  String channel() {
    return channel;
  }

  /** The backend that answered; for a failed call, the backend behind its channel when that is known. */
  String backend() {
    return backend;
  }

  void channel(String label, String backendId) {
    this.channel = label;
    if (backendId != null) {
      this.backend = backendId;
    }
  }

  /** True the first time only: a call that failed to start and was also closed by gRPC is counted once. */
  boolean markClosed() {
    return closed.compareAndSet(false, true);
  }

  @Override
  public void onMessage(EchoResponse message) {
    String id = message.getBackendId();
    if (!id.isEmpty()) {
      backend = id;
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    generator.completed(this, status);
  }
}
