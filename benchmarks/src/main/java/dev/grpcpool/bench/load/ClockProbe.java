package dev.grpcpool.bench.load;

import dev.grpcpool.server.WallClock;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How far this process's wall clock is from the target's, read before a run that starts at a shared time, so that
 * runs of several generators (several machines) can be told apart by clock as well as by start.
 *
 * <p>Each probe is one small echo call that asks for the server's time: the offset is the server's time minus the
 * midpoint of the call as this clock saw it, true to within half the round trip (NTP's rule, without its filters).
 * Per backend the probe with the shortest round trip counts. Offsets of two generators compare only against the same
 * backend: backends on different machines have clocks of their own. Stateless; {@link #measure} blocks.
 */
public final class ClockProbe {
  /** Calls sent at most: on a busy machine the shortest of many round trips is far shorter than the first. */
  static final int CALLS = 200;
  /** How long probing may take at most. */
  static final Duration BUDGET = Duration.ofSeconds(1);
  private static final long DEADLINE_MILLIS = 1_000;

  private ClockProbe() {}

  /**
   * One backend's clock against this process's.
   *
   * @param backend the backend that answered
   * @param offsetMicros the backend's clock minus this one's, in microseconds
   * @param roundTripMicros the round trip of the probe counted; the offset is true within half of it
   */
  public record Offset(String backend, long offsetMicros, long roundTripMicros) {}

  /**
   * Probes {@code channel} with up to {@link #CALLS} sequential calls for at most {@link #BUDGET}, and never past
   * {@code until} (a start must not be delayed by its probe); returns one offset per backend that answered with its
   * time, in the order first reached. A target that fails, or does not stamp its time (an older server), yields an
   * empty list: the run goes on, and its clock is then unknown.
   */
  public static List<Offset> measure(Channel channel, Instant until) {
    EchoRequest ask = EchoRequest.newBuilder().setWantServerTime(true).build();
    Map<String, Offset> best = new LinkedHashMap<>();
    long end = Math.min(System.nanoTime() + BUDGET.toNanos(),
        System.nanoTime() + Math.max(0, Duration.between(Instant.now(), until).toNanos()));
    for (int i = 0; i < CALLS; i++) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        break;
      }
      long sent = WallClock.epochMicros();
      EchoResponse r;
      try {
        r = ClientCalls.blockingUnaryCall(channel, EchoGrpc.getUnaryMethod(), CallOptions.DEFAULT
            .withDeadlineAfter(Math.min(left, TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS)), TimeUnit.NANOSECONDS),
            ask);
      } catch (StatusRuntimeException e) {
        // The run itself will meet and count what is wrong with the target; the clock stays unknown.
        break;
      }
      long received = WallClock.epochMicros();
      if (r.getServerTimeMicros() == 0) {
        break;
      }
      long roundTrip = received - sent;
      Offset o = new Offset(r.getBackendId(), r.getServerTimeMicros() - (sent + roundTrip / 2), roundTrip);
      best.merge(o.backend(), o, (a, b) -> b.roundTripMicros() < a.roundTripMicros() ? b : a);
    }
    return new ArrayList<>(best.values());
  }
}
