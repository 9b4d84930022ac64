package dev.grpcpool.core;

import io.grpc.Attributes;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long each call through a channel of the pool waited for a stream: from the stream's creation on
 * a ready transport ({@link #streamCreated}) to its headers going out ({@link #outboundHeaders}). In grpc-java's
 * Netty transport a stream created while the connection already carries the server's
 * {@code MAX_CONCURRENT_STREAMS} is buffered client-side until another stream closes, and only then are its
 * headers written; that buffering is the queuing a pool that sizes itself grows against. Other transports (e.g.
 * in-process) write headers at once, so the wait stays near zero.
 *
 * <p>Time spent before {@code streamCreated} (name resolution, a connection being set up, which gRPC reports as
 * {@code createPendingStream}) is left out on purpose: a new channel still connecting is not a sign that the
 * pool needs more channels.
 *
 * <p>One tracer per stream; gRPC calls it from the transport's threads in order. The factory is thread-safe.
 */
final class QueueWaitTracer extends ClientStreamTracer {

  /**
   * A wait at least this long counts the call as queued. A stream write crosses to the transport's event loop,
   * which on loopback takes tens of microseconds; a wait for a stream lasts until another call on the connection
   * ends, usually milliseconds.
   */
  static final long QUEUED_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Creates the tracers of one pooled channel; its counts go to the channel's slot. */
  static final class Factory extends ClientStreamTracer.Factory {
    private final Slot slot;

    Factory(Slot slot) {
      this.slot = slot;
    }

    @Override
    public ClientStreamTracer newClientStreamTracer(StreamInfo info, Metadata headers) {
      return new QueueWaitTracer(slot);
    }
  }

  private final Slot slot;
  private volatile long createdNanos;

  private QueueWaitTracer(Slot slot) {
    this.slot = slot;
  }

  @Override
  public void streamCreated(Attributes transportAttrs, Metadata headers) {
    createdNanos = System.nanoTime();
  }

  @Override
  public void outboundHeaders() {
    long created = createdNanos;
    if (created == 0) {
      return;
    }
    long waited = System.nanoTime() - created;
    slot.streams.increment();
    slot.queuedNanos.add(waited);
    if (waited >= QUEUED_NANOS) {
      slot.queuedCalls.increment();
    }
  }
}
