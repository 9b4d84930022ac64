package dev.grpcpool.bench.load;

import dev.grpcpool.bench.load.call.CallTemplate;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How fast this process can start calls at all: the generator's own send path, serialization of the request
 * included, against a channel whose calls end as soon as they are half-closed, with no transport and no server,
 * on one thread, times the cores (sends may run on every core at once). A real send costs more, so the figure is an
 * upper bound; a rate above it cannot be the target's fault, whatever else the run shows.
 *
 * <p>Measured in slices of 20 ms for at most {@link #TIME}; the best slice counts, so a cold JIT in the first slices
 * does not make the generator look slower than it is. A process measures it once per method and request (the figure
 * is a property of the process and the request), so a run's check and its generator, or the steps of a search, share it.
 *
 * <p>Thread-safe.
 */
final class SendCeiling {
  /** How long the measurement may take. */
  static final Duration TIME = Duration.ofSeconds(1);
  /** Rates above which the ceiling is measured before a run; below, a JVM thread sends them with ease. */
  static final double CHECK_ABOVE_RATE = 100_000;
  /**
   * A rate above this multiple of the ceiling is beyond the generator: a real send (transport, flow control, a
   * server's answer) costs many times a do-nothing one, so the bound holds with room to spare.
   */
  static final double BEYOND_FACTOR = 1;

  private static final Map<List<Object>, Double> MEASURED = new ConcurrentHashMap<>();

  private SendCeiling() {}

  /**
   * Calls per second one thread started against a do-nothing channel, in its best 20 ms slice, times the
   * available processors.
   */
  static double measure(CallTemplate template) {
    return MEASURED.computeIfAbsent(List.of(template.fullMethodName(), template.messages(0)),
        k -> measureNow(template));
  }

  private static double measureNow(CallTemplate template) {
    MethodDescriptor<Object, Object> method = template.method();
    Channel noop = new NoopChannel<>(method);
    ClientCall.Listener<Object> listener = new ClientCall.Listener<>() {};
    long end = System.nanoTime() + TIME.toNanos();
    long slice = Duration.ofMillis(20).toNanos();
    double best = 0;
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      long n = 0;
      while (System.nanoTime() - start < slice) {
        for (int i = 0; i < 64; i++) {
          // The call's own record, as a real send carries it (never closed here: its listener is not used).
          LoadCall record = new LoadCall(null, start, start);
          ClientCall<Object, Object> c =
              noop.newCall(method, template.callOptions().withOption(LoadCall.KEY, record));
          c.start(listener, template.headers());
          c.request(1);
          List<?> messages = template.messages(i);
          for (int m = 0; m < messages.size(); m++) {
            c.sendMessage(messages.get(m));
          }
          c.halfClose();
        }
        n += 64;
      }
      best = Math.max(best, n * 1e9 / (System.nanoTime() - start));
    }
    return best * Runtime.getRuntime().availableProcessors();
  }

  /** A channel whose calls serialize their request and end OK when half-closed. */
  private static final class NoopChannel<Q> extends Channel {
    private final MethodDescriptor<Q, ?> serializer;

    NoopChannel(MethodDescriptor<Q, ?> serializer) {
      this.serializer = serializer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(MethodDescriptor<ReqT, RespT> method, CallOptions options) {
      return new ClientCall<>() {
        private Listener<RespT> listener;

        @Override
        public void start(Listener<RespT> responseListener, Metadata headers) {
          listener = responseListener;
        }

        @Override
        public void request(int numMessages) {}

        @Override
        public void cancel(String message, Throwable cause) {}

        @Override
        public void halfClose() {
          listener.onClose(Status.OK, new Metadata());
        }

        @Override
        public void sendMessage(ReqT message) {
          try (java.io.InputStream in = serializer.streamRequest((Q) message)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };
    }

    @Override
    public String authority() {
      return "noop";
    }
  }
}
