package dev.grpcpool.bench.load;

import java.io.PrintWriter;

/**
 * The line a person watches during a run, once a second on standard error: elapsed / total, the rate of the
 * last second, totals, errors, calls in flight, and the corrected p99 so far.
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
  public void interval(IntervalSample s, LoadGenerator g) {
    long[] c = g.counters();
    double seconds = (s.endOffsetNanos() - s.startOffsetNanos()) / 1e9;
    err.printf("[%5.1f/%.0f s] rate %8.1f/s  sent %9d  ok %9d  errors %7d  in flight %5d  p99 %9.3f ms%n",
        s.endOffsetNanos() / 1e9, totalSeconds, seconds > 0 ? (s.ok() + s.errors()) / seconds : 0,
        c[0], c[1], c[2], g.inFlight(), g.correctedMillisSoFar(99));
    err.flush();
  }
}
