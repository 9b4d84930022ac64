package dev.grpcpool.bench.load;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The line a person watches during a run, once a second on standard error: during the warm-up, the calls that
 * ended and the calls in flight; then elapsed / total, the ok rate of the last second, totals, calls in flight,
 * the corrected p99 so far, and with a pool its channels and the calls that waited for a stream in that second.
 *
 * <p>Called on the generator's ticker thread only.
 */
final class ProgressLine implements LoadGenerator.Listener {
  private final PrintWriter err;
  private final double totalSeconds;

  ProgressLine(PrintWriter err, double totalSeconds) {
    this.err = err;
    this.totalSeconds = totalSeconds;
  }

  @Override
  public void warmingUp(long elapsedNanos, long ended, long jitMillis, LoadGenerator g) {
    err.printf(Locale.ROOT, "[warm-up %4.0f s] ended %,9d/s  in flight %,6d  JIT %s%n", elapsedNanos / 1e9, ended,
        g.inFlight(), jitMillis < 0 ? "-" : jitMillis + " ms/s");
    err.flush();
  }

  @Override
  public void interval(IntervalSample s, LoadGenerator g) {
    interval(s, g, null);
  }

  /** One second of the measurement, with the pool as it was at its end ({@code pool} null: no pool). */
  void interval(IntervalSample s, LoadGenerator g, PoolTimeline.Second pool) {
    double seconds = (s.endOffsetNanos() - s.startOffsetNanos()) / 1e9;
    double p99 = g.correctedMillisSoFar(99);
    err.printf(Locale.ROOT, "[%5.1f/%.0f s] ok %,10.1f/s  sent %,10d  ok %,10d  failed %,8d  in flight %,6d  p99 %s%s%n",
        s.endOffsetNanos() / 1e9, totalSeconds, seconds > 0 ? s.ok() / seconds : 0, g.sentSoFar(), g.okSoFar(),
        g.failedSoFar(), g.inFlight(), Double.isNaN(p99) ? "-" : String.format(Locale.ROOT, "%.3f ms", p99),
        pool == null ? "" : String.format(Locale.ROOT, "  pool %d (waited %,d)", pool.size(), pool.queuedCalls()));
    err.flush();
  }
}
