package dev.grpcpool.bench.reliability;

import static org.awaitility.Awaitility.await;

import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Bounded background load for fault scenarios: a fixed number of callers, each sending one async unary echo
 * call at a time through a channel (a pool), at most {@code ratePerCaller} calls per second each, and
 * recording every call's start, end, status and serving backend.
 *
 * <p>The pacing keeps the call rate bounded when calls fail in microseconds (a fleet that is down), so the
 * load does not turn into a busy loop that starves the machine. Phases of a scenario are measured in calls
 * completed rather than wall time, so a slow machine stretches them instead of shortening them.
 *
 * <p>This class is thread-safe.
 */
final class Traffic implements AutoCloseable {

  /** One finished call. Times are {@link System#nanoTime()} values. */
  static final class Outcome {
    final long startNanos;
    final long endNanos;
    final Status status;
    /** The backend id that answered, or null for a failed call. */
    final String backend;

    Outcome(long startNanos, long endNanos, Status status, String backend) {
      this.startNanos = startNanos;
      this.endNanos = endNanos;
      this.status = status;
      this.backend = backend;
    }

    boolean ok() {
      return status.isOk();
    }

    long latencyNanos() {
      return endNanos - startNanos;
    }

    @Override
    public String toString() {
      return (ok() ? "OK from " + backend : status.getCode() + " " + status.getDescription())
          + " in " + TimeUnit.NANOSECONDS.toMillis(latencyNanos()) + " ms";
    }
  }

  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(60);

  private final EchoGrpc.EchoStub stub;
  private final EchoRequest request;
  private final long deadlineNanos;
  private final long periodNanos;
  private final ScheduledExecutorService timer;
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger activeCallers = new AtomicInteger();
  private volatile boolean stopping;

  private Traffic(Channel channel, int ratePerCaller, Duration deadline, EchoRequest request) {
    this.stub = EchoGrpc.newStub(channel);
    this.request = request;
    this.deadlineNanos = deadline.toNanos();
    this.periodNanos = TimeUnit.SECONDS.toNanos(1) / ratePerCaller;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "reliability-traffic");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts {@code callers} callers, each sending at most {@code ratePerCaller} calls per second. */
  static Traffic start(Channel channel, int callers, int ratePerCaller, Duration deadline, EchoRequest request) {
    Traffic traffic = new Traffic(channel, ratePerCaller, deadline, request);
    traffic.activeCallers.set(callers);
    for (int i = 0; i < callers; i++) {
      traffic.timer.execute(traffic::issue);
    }
    return traffic;
  }

  private void issue() {
    if (stopping) {
      activeCallers.decrementAndGet();
      return;
    }
    long start = System.nanoTime();
    try {
      stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS).unary(request, new StreamObserver<>() {
        private String backend;

        @Override
        public void onNext(EchoResponse response) {
          backend = response.getBackendId();
        }

        @Override
        public void onError(Throwable t) {
          finished(start, Status.fromThrowable(t), null);
        }

        @Override
        public void onCompleted() {
          finished(start, Status.OK, backend);
        }
      });
    } catch (RuntimeException e) {
      finished(start, Status.fromThrowable(e), null);
    }
  }

  private void finished(long start, Status status, String backend) {
    outcomes.add(new Outcome(start, System.nanoTime(), status, backend));
    completed.incrementAndGet();
    // Always through the timer, never inline: a call that fails synchronously must not recurse.
    long delay = Math.max(0, start + periodNanos - System.nanoTime());
    try {
      timer.schedule(this::issue, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      activeCallers.decrementAndGet();
    }
  }

  int completed() {
    return completed.get();
  }

  /** Waits until {@code more} further calls have completed. */
  void awaitMoreCalls(int more) {
    int target = completed.get() + more;
    await().atMost(PHASE_TIMEOUT).pollInterval(Duration.ofMillis(10)).until(() -> completed.get() >= target);
  }

  /** Waits for the first call started at or after {@code sinceNanos} that matches, and returns it. */
  Outcome awaitFirst(long sinceNanos, Predicate<Outcome> matching) {
    return await().atMost(PHASE_TIMEOUT).pollInterval(Duration.ofMillis(5))
        .until(() -> first(sinceNanos, matching), Optional::isPresent).orElseThrow();
  }

  /** Waits until every backend in {@code backends} has answered a call started at or after {@code sinceNanos}. */
  void awaitAnsweredBy(long sinceNanos, List<String> backends) {
    for (String b : backends) {
      awaitFirst(sinceNanos, o -> o.ok() && b.equals(o.backend));
    }
  }

  private Optional<Outcome> first(long sinceNanos, Predicate<Outcome> matching) {
    return outcomes.stream().filter(o -> o.startNanos >= sinceNanos && matching.test(o))
        .min(Comparator.comparingLong(o -> o.endNanos));
  }

  /** Every call finished so far, in order of start. */
  List<Outcome> outcomes() {
    List<Outcome> list = new ArrayList<>(outcomes);
    list.sort(Comparator.comparingLong(o -> o.startNanos));
    return list;
  }

  /** Calls started in [{@code fromNanos}, {@code toNanos}) that match. */
  long count(long fromNanos, long toNanos, Predicate<Outcome> matching) {
    return outcomes.stream()
        .filter(o -> o.startNanos >= fromNanos && o.startNanos < toNanos && matching.test(o)).count();
  }

  /** Stops sending and waits for the calls in flight to finish (each is bounded by its deadline). */
  void stop() {
    stopping = true;
    await().atMost(PHASE_TIMEOUT).pollInterval(Duration.ofMillis(10)).until(() -> activeCallers.get() == 0);
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    timer.shutdownNow();
    timer.awaitTermination(10, TimeUnit.SECONDS);
  }
}
