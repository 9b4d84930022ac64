package dev.grpcpool.bench.load;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the end-of-run summary a person reads: the verdict first, then counts that add up, rates, how late the
 * sends were, failures by status with a sample message, latency percentiles (corrected and service time; none
 * when no call succeeded), and per-backend and per-channel counts.
 *
 * <p>Stateless and thread-safe.
 */
final class SummaryText {
  private SummaryText() {}

  static void print(LoadResult r, String target, PrintWriter out) {
    LoadSpec spec = r.spec();
    boolean open = spec.mode() == LoadSpec.Mode.OPEN_LOOP;
    for (String line : r.verdict().lines()) {
      out.println("Verdict: " + line);
    }
    out.println();
    out.printf(Locale.ROOT, "Run: %s against %s; warm-up %s; %.1f s measured%s%n",
        open ? String.format(Locale.ROOT, "open loop at %s (%s arrivals, %s)", spec.rateText(),
            spec.arrivals().name().toLowerCase(Locale.ROOT), spec.concurrency() == 0 ? "no cap on calls in flight"
                : String.format(Locale.ROOT, "at most %,d in flight", spec.concurrency()))
            : String.format(Locale.ROOT, "closed loop with %,d callers", spec.concurrency()),
        target, r.warmup(), r.measuredNanos() / 1e9, r.interrupted() ? " (INTERRUPTED: partial results)" : "");
    if (spec.call() != null) {
      out.println("  Call     " + spec.call().describe());
    }
    out.printf(Locale.ROOT, "  Calls    sent %,d = ok %,d + failed %,d + unfinished %,d%s%n", r.sent(), r.ok(),
        r.failed(), r.unfinished(), open
            ? String.format(Locale.ROOT, "   (intended %,d; never sent %,d)", r.intended(), r.missed()) : "");
    out.printf(Locale.ROOT, "  Rates    ok %,.1f/s (achieved), sent %,.1f/s, failed %,.1f/s%n", r.okRate(),
        r.sentRate(), r.failedRate());
    if (open) {
      out.printf(Locale.ROOT, "  Sends    %,d later than %s (waiting for a slot %,d, the generator's own %,d);"
              + " longest lag %.3f ms; in flight %,d at the start, %,d at the end%n", r.late(),
          micros(spec.lateThreshold().toNanos() / 1000), r.lateWaitingForSlot(), r.late() - r.lateWaitingForSlot(),
          r.maxLagNanos() / 1e6, r.backlog().atStart(), r.backlog().atEnd());
    }
    if (!r.failedByStatus().isEmpty()) {
      List<String> parts = new ArrayList<>();
      r.failedByStatus().forEach((code, c) -> parts.add(String.format(Locale.ROOT, "%s %,d%s", code, c.count(),
          c.sample() == null ? "" : " (e.g. \"" + shorten(c.sample()) + "\")")));
      out.println("  Failed   " + String.join("; ", parts));
    }
    out.println();
    if (r.ok() == 0) {
      out.println("  Latency: none reported, since no call succeeded.");
    } else {
      out.printf("  Latency (ms)   %9s %9s %9s %9s %9s %9s %9s %9s%n",
          "min", "mean", "p50", "p90", "p99", "p99.9", "p99.99", "max");
      row(out, open ? "corrected" : "service", LatencySummary.of(r.corrected()));
      if (open) {
        row(out, "service", LatencySummary.of(r.uncorrected()));
        out.println("  (every call that ended, ok or failed; corrected: from its intended start; service: from its"
            + " send)");
      } else {
        out.println("  (every call that ended, ok or failed; closed loop: no schedule, so latency is service time)");
      }
    }
    groups(out, "backend", r.backends());
    groups(out, "channel", r.channels());
  }

  private static void row(PrintWriter out, String label, LatencySummary l) {
    out.printf(Locale.ROOT, "  %-13s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n", label, l.min(), l.mean(),
        l.p50(), l.p90(), l.p99(), l.p999(), l.p9999(), l.max());
  }

  private static void groups(PrintWriter out, String what, Map<String, GroupStats> groups) {
    if (groups.isEmpty()) {
      return;
    }
    int width = Math.max(("per " + what).length(), groups.keySet().stream().mapToInt(String::length).max().orElse(0));
    out.println();
    out.printf(Locale.ROOT, "  %-" + width + "s %10s %10s %10s %10s %10s %10s%n", "per " + what, "sent", "ok",
        "failed", "unfinished", "p50 ms", "p99 ms");
    for (GroupStats g : groups.values()) {
      out.printf(Locale.ROOT, "  %-" + width + "s %10d %10d %10d %10d %10s %10s%n", g.name(), g.sent(), g.ok(),
          g.failed(), g.unfinished(), millis(g.p50Millis()), millis(g.p99Millis()));
    }
  }

  private static String millis(double ms) {
    return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.3f", ms);
  }

  private static String micros(long micros) {
    return micros % 1000 == 0 ? micros / 1000 + " ms" : micros + " us";
  }

  private static String shorten(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= 120 ? one : one.substring(0, 117) + "...";
  }

  /** A rate as the user gave it: no ".0" on a whole number. */
  static String number(double d) {
    return d == Math.rint(d) ? String.format(Locale.ROOT, "%,d", (long) d) : String.format(Locale.ROOT, "%,.2f", d);
  }
}
