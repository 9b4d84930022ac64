package dev.grpcpool.bench.load;

import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listener of one call of a load run: remembers when the call was meant to start and when it was sent,
 * whether it is measured, which channel carried it and which backend answered, and reports its end to the
 * generator. The deadline sweeper can expire it.
 *
 * <p>gRPC calls a listener's methods one at a time. {@link #measured} is set by the sending thread before the call
 * is created; {@link #channel} by {@link ChannelLabels} when the labelled channel creates the call, on the same
 * thread. The fields are read after {@code onClose}, which gRPC orders after both.
 */
final class LoadCall extends ClientCall.Listener<Object> {
  /** Carries the call to {@link ChannelLabels} through whatever channels (a pool) lie in between. */
  static final CallOptions.Key<LoadCall> KEY = CallOptions.Key.create("grpcpool-load-call");

  private final LoadGenerator generator;
  private final long intendedNanos;
  private final long sentNanos;
  private volatile boolean measured;
  private volatile String channel;
  private volatile String channelBackend;
  private volatile boolean counted;
  private volatile String backend;
  private volatile ClientCall<?, ?> call;
  private volatile long deadlineNanos;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean expired = new AtomicBoolean();

  LoadCall(LoadGenerator generator, long intendedNanos, long sentNanos) {
    this.generator = generator;
    this.intendedNanos = intendedNanos;
    this.sentNanos = sentNanos;
  }

  /** False for a warm-up call (meant to start before the measurement) or one after its end: never recorded. */
  boolean measured() {
    return measured;
  }

  void markMeasured() {
    measured = true;
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

  /** The backend behind the call's channel when the channel dials exactly one, else null. */
  String channelBackend() {
    return channelBackend;
  }

  /** The backend that answered; for a failed call, the backend behind its channel when that is known. */
  String backend() {
    return backend != null ? backend : channelBackend;
  }

  void channel(String label, String backendId) {
    this.channel = label;
    this.channelBackend = backendId;
    generator.labelled(this);
  }

  /** Whether the recorder counted this call in flight on its channel (so its end must be counted there too). */
  boolean counted() {
    return counted;
  }

  void markCounted() {
    counted = true;
  }

  /** Remembers the gRPC call and when it expires, for the deadline sweeper. */
  void attach(ClientCall<?, ?> call, long deadlineNanos) {
    this.call = call;
    this.deadlineNanos = deadlineNanos;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Cancels the call as past its deadline; its end is recorded as DEADLINE_EXCEEDED. */
  void expire(String description) {
    ClientCall<?, ?> c = call;
    if (c != null && !closed.get() && expired.compareAndSet(false, true)) {
      c.cancel(description, null);
    }
  }

  boolean expired() {
    return expired.get();
  }

  /** True the first time only: a call that failed to start and was also closed by gRPC is counted once. */
  boolean markClosed() {
    return closed.compareAndSet(false, true);
  }

  @Override
  public void onMessage(Object message) {
    // The echo service names the backend that answered; other services' answers name none.
    if (message instanceof EchoResponse echo && !echo.getBackendId().isEmpty()) {
      backend = echo.getBackendId();
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    generator.completed(this, status);
  }
}
