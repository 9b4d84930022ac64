package dev.grpcpool.bench.reliability;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Prints one line per measured fault scenario, prefixed {@value #PREFIX}, so the fault table in docs/reliability.md can be
 * regenerated from a test run: {@code ... | sed -n 's/.*FAULT-TABLE //p'} gives a Markdown table (the header is
 * printed before the first row of the run).
 *
 * <p>This class is thread-safe.
 */
final class FaultTable {

  static final String PREFIX = "FAULT-TABLE ";
  private static final AtomicBoolean HEADER_PRINTED = new AtomicBoolean();

  private FaultTable() {}

  /**
   * Prints a row: the scenario, the pool set-up, calls made and failed, how long until traffic was back after
   * the fault ended, connection attempts (or "-"), and the promise the test asserted.
   */
  static void row(String scenario, String pool, long calls, long failed, String trafficBack,
      String connectionAttempts, String promise) {
    synchronized (FaultTable.class) {
      if (HEADER_PRINTED.compareAndSet(false, true)) {
        System.out.println(PREFIX + "| Scenario | Pool | Calls | Failed | Traffic back after | "
            + "Connection attempts | Promise (asserted) |");
        System.out.println(PREFIX + "|---|---|---:|---:|---:|---:|---|");
      }
      System.out.println(PREFIX + "| " + String.join(" | ", scenario, pool, Long.toString(calls),
          Long.toString(failed), trafficBack, connectionAttempts, promise) + " |");
      System.out.flush();
    }
  }

  /** Milliseconds between two nanoTime values, for the table. */
  static String millis(long fromNanos, long toNanos) {
    return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos) + " ms";
  }
}
