package dev.grpcpool.bench.load;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.grpcpool.server.BenchFleet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Applies a {@link FaultSchedule} to an embedded {@link BenchFleet} at its times, counted from the start of the
 * measurement, and keeps a log of what was done when (for the run's summary).
 *
 * <p>A fault that fails (a restart whose port was taken meanwhile) is logged, not thrown: the run goes on and its
 * summary says so. Thread-safe; {@link #close} cancels faults not yet applied.
 */
public final class FaultInjector implements AutoCloseable {
  private final BenchFleet fleet;
  private final FaultSchedule schedule;
  private final Consumer<String> log;
  private final ScheduledExecutorService executor;
  private final List<AppliedFault> applied = new ArrayList<>();

  /**
   * @param log told a one-line description of each fault as it is applied (for the progress output)
   */
  public FaultInjector(BenchFleet fleet, FaultSchedule schedule, Consumer<String> log) {
    this.fleet = fleet;
    this.schedule = schedule;
    this.log = log;
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "grpcpool-load-faults");
      t.setDaemon(true);
      return t;
    });
    e.setRemoveOnCancelPolicy(true);
    this.executor = e;
  }

  /** Schedules every fault relative to {@code measureStartNanos} (a {@link System#nanoTime} value). */
  public void start(long measureStartNanos) {
    for (FaultSchedule.Fault f : schedule.faults()) {
      long delay = measureStartNanos + f.at().toNanos() - System.nanoTime();
      executor.schedule(() -> apply(f, measureStartNanos), Math.max(0, delay), TimeUnit.NANOSECONDS);
    }
  }

  private void apply(FaultSchedule.Fault f, long measureStartNanos) {
    long offsetMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - measureStartNanos);
    String error = null;
    int from = f.backend() == FaultSchedule.Fault.ALL ? 0 : f.backend();
    int to = f.backend() == FaultSchedule.Fault.ALL ? fleet.size() - 1 : f.backend();
    for (int i = from; i <= to; i++) {
      try {
        switch (f.action()) {
          case KILL:
            fleet.stop(i);
            break;
          case RESTART:
            fleet.restart(i);
            break;
          case NOT_SERVING:
            fleet.setServing(i, false);
            break;
          case SERVING:
            fleet.setServing(i, true);
            break;
          default:
            fleet.slowDown(i, f.extra());
            break;
        }
      } catch (RuntimeException e) {
        error = e.getMessage() == null ? e.toString() : e.getMessage();
      }
    }
    AppliedFault entry = new AppliedFault(f.toString(), f.at().toMillis(), offsetMillis, error);
    synchronized (applied) {
      applied.add(entry);
    }
    log.accept(String.format("fault %s applied at %.3fs%s", f, offsetMillis / 1000.0,
        error == null ? "" : " (failed: " + error + ")"));
  }

  /** What was applied so far, in order. */
  public List<AppliedFault> applied() {
    synchronized (applied) {
      return List.copyOf(applied);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One fault as applied, as the run's summary reports it.
   *
   * @param fault the fault as scheduled, e.g. {@code kill:1@5s}
   * @param plannedMillis when it was due, from the start of the measurement
   * @param appliedMillis when it was applied
   * @param error why applying it failed, or null (then left out of the summary)
   */
  public record AppliedFault(String fault, long plannedMillis, long appliedMillis,
      @JsonInclude(JsonInclude.Include.NON_NULL) String error) {}
}
