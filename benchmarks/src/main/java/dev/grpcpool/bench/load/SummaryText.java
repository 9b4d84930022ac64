package dev.grpcpool.bench.load;

import java.io.PrintWriter;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints the end-of-run summary a person reads: counts, errors by status, achieved rate, latency percentiles over
 * every call (corrected and service time), and calls, errors, p50 and p99 per backend and per channel.
 *
 * <p>Stateless and thread-safe.
 */
final class SummaryText {
  private SummaryText() {}

  static void print(LoadResult r, String target, PrintWriter out) {
    LoadSpec spec = r.spec();
    boolean open = spec.mode() == LoadSpec.Mode.OPEN_LOOP;
    out.printf("Summary: %s%s against %s, %.1f s measured%s%n",
        open ? String.format("open loop at %s calls/s (%s arrivals%s)", trim(spec.rate()),
            spec.arrivals().name().toLowerCase(), spec.concurrency() > 0 ? ", at most " + spec.concurrency()
                + " in flight" : "")
            : "closed loop with " + spec.concurrency() + " callers",
        "", target, r.measuredNanos() / 1e9, r.interrupted() ? " (INTERRUPTED: partial results)" : "");
    out.printf("  Count:         %d sent%s%n", r.sent(), open
        ? String.format(" of %d intended (%d sent late by more than %d us, %d never sent, max lag %.3f ms)",
            r.intended(), r.late(), spec.lateThreshold().toNanos() / 1000, r.missed(), r.maxLagNanos() / 1e6)
        : "");
    out.printf("  OK:            %d%n", r.ok());
    out.printf("  Errors:        %d%s%n", r.errors(), r.errorsByStatus().isEmpty() ? "" : "  "
        + r.errorsByStatus().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", ")));
    if (r.unfinished() > 0) {
      out.printf("  Unfinished:    %d calls still in flight at the end (not recorded)%n", r.unfinished());
    }
    out.printf("  Achieved rate: %.1f calls/s%n", r.achievedRate());
    out.println();
    out.printf("  Latency (ms)   %9s %9s %9s %9s %9s %9s %9s %9s%n",
        "min", "mean", "p50", "p90", "p99", "p99.9", "p99.99", "max");
    row(out, open ? "corrected" : "service", LatencySummary.of(r.corrected()));
    if (open) {
      row(out, "service", LatencySummary.of(r.uncorrected()));
      out.println("  (corrected: from each call's intended start; service: from its actual send)");
    } else {
      out.println("  (closed loop: no schedule, so latency is service time)");
    }
    groups(out, "backend", r.backends());
    groups(out, "channel", r.channels());
  }

  private static void row(PrintWriter out, String label, Map<String, Object> m) {
    out.printf("  %-13s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n", label, m.get("min"), m.get("mean"),
        m.get("p50"), m.get("p90"), m.get("p99"), m.get("p99.9"), m.get("p99.99"), m.get("max"));
  }

  private static void groups(PrintWriter out, String what, Map<String, GroupStats> groups) {
    if (groups.isEmpty()) {
      return;
    }
    int width = Math.max(("per " + what).length(), groups.keySet().stream().mapToInt(String::length).max().orElse(0));
    out.println();
    out.printf("  %-" + width + "s %10s %10s %10s %10s%n", "per " + what, "calls", "errors", "p50 ms", "p99 ms");
    for (GroupStats g : groups.values()) {
      out.printf("  %-" + width + "s %10d %10d %10.3f %10.3f%n", g.name(), g.calls(), g.errors(),
          g.p50Millis(), g.p99Millis());
    }
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
