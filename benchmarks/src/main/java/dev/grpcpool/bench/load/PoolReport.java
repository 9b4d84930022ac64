package dev.grpcpool.bench.load;

import dev.grpcpool.core.PoolStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The pool's own counters over a run's measurement, the difference of a snapshot taken when it started and one
 * taken when it ended: per channel, reconnects, calls that waited for a stream, and how a pool that sizes itself
 * resized; as the {@code pool} part of {@code summary.json} and as the summary text's pool section.
 *
 * <p>Stateless and thread-safe.
 */
final class PoolReport {
  private PoolReport() {}

  /**
   * How the pool sized itself over the measurement; a fixed pool's bounds are equal and it never resizes.
   *
   * @param sizeAtStart channels when the measurement started; null when it never started
   * @param targetAtEnd the size the pool's last decision aimed for
   * @param resizesByReason resizes per {@link PoolStats.ResizeReason}, by name
   */
  record Sizing(int minSize, int maxSize, Integer sizeAtStart, int sizeAtEnd, int targetAtEnd, long resizesUp,
      long resizesDown, Map<String, Long> resizesByReason, long channelsAdded, long channelsRemoved) {

    static Sizing of(PoolStats before, PoolStats after) {
      PoolStats.Sizing a = after.sizing();
      PoolStats.Sizing b = before == null ? null : before.sizing();
      Map<String, Long> reasons = new LinkedHashMap<>();
      for (PoolStats.ResizeReason reason : PoolStats.ResizeReason.values()) {
        reasons.put(reason.name(), since(b, a, x -> x.resizes(reason)));
      }
      return new Sizing(a.minSize(), a.maxSize(), before == null ? null : before.total(), after.total(), a.target(),
          since(b, a, PoolStats.Sizing::resizesUp), since(b, a, PoolStats.Sizing::resizesDown), reasons,
          since(b, a, PoolStats.Sizing::channelsAdded), since(b, a, PoolStats.Sizing::channelsRemoved));
    }

    boolean sizesItself() {
      return minSize < maxSize;
    }
  }

  /** The {@code pool} part of {@code summary.json}: pool-wide, per channel, how it sized itself, per second. */
  static Map<String, Object> json(PoolStats before, PoolStats after, LoadResult r,
      List<PoolTimeline.Second> perSecond) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reconnects", since(before, after, PoolStats::reconnects));
    m.put("noHealthyFallbacks", since(before, after, PoolStats::noHealthyFallbacks));
    m.put("queuedCalls", since(before, after, PoolStats::queuedCalls));
    m.put("queuedMillis", LatencySummary.round(since(before, after, PoolTimeline::queuedNanos) / 1e6));
    Map<Integer, PoolStats.ChannelStats> old = byIndex(before);
    List<Map<String, Object>> channels = new ArrayList<>();
    for (PoolStats.ChannelStats c : after.channels()) {
      PoolStats.ChannelStats b = old.get(c.index());
      long failed = since(b, c, PoolStats.ChannelStats::callsFailed);
      Map<String, Object> ch = new LinkedHashMap<>();
      ch.put("index", c.index());
      ch.put("target", c.target());
      ch.put("calls", since(b, c, PoolStats.ChannelStats::callsOk) + failed);
      ch.put("failed", failed);
      ch.put("picks", since(b, c, PoolStats.ChannelStats::picks));
      ch.put("queued", since(b, c, PoolStats.ChannelStats::queuedCalls));
      ch.put("stateAtEnd", c.state().name());
      ch.put("healthAtEnd", c.health().name());
      GroupStats byTarget = r.channels().get(c.target());
      if (byTarget != null && after.channels().stream().filter(x -> x.target().equals(c.target())).count() == 1) {
        ch.put("p50", LatencySummary.orNull(byTarget.p50Millis()));
        ch.put("p99", LatencySummary.orNull(byTarget.p99Millis()));
      }
      channels.add(ch);
    }
    m.put("channels", channels);
    m.put("sizing", Sizing.of(before, after));
    m.put("perSecond", perSecond);
    return m;
  }

  /** The summary text's pool section. */
  static void print(PrintWriter out, PoolStats before, PoolStats after) {
    out.println();
    out.printf("  pool channels (the pool's own counters)%n");
    out.printf("  %5s %-28s %10s %10s %10s %-18s %-9s%n", "index", "target", "calls", "failed", "queued",
        "state at end", "health");
    Map<Integer, PoolStats.ChannelStats> old = byIndex(before);
    for (PoolStats.ChannelStats c : after.channels()) {
      PoolStats.ChannelStats b = old.get(c.index());
      long failed = since(b, c, PoolStats.ChannelStats::callsFailed);
      out.printf("  %5d %-28s %10d %10d %10d %-18s %-9s%n", c.index(), c.target(),
          since(b, c, PoolStats.ChannelStats::callsOk) + failed, failed,
          since(b, c, PoolStats.ChannelStats::queuedCalls), c.state(), c.health());
    }
    out.printf(Locale.ROOT, "  reconnects %d, no-healthy fallbacks %d; calls that waited for a stream %,d (%.1f ms"
            + " in all)%n", since(before, after, PoolStats::reconnects),
        since(before, after, PoolStats::noHealthyFallbacks), since(before, after, PoolStats::queuedCalls),
        since(before, after, PoolTimeline::queuedNanos) / 1e6);
    Sizing s = Sizing.of(before, after);
    if (s.sizesItself()) {
      out.printf(Locale.ROOT, "  sizes itself, %d..%d channels: %s at the start of the measurement, %d at the end"
              + " (aiming for %d); resizes up %d (calls queued %d, above the band %d), down %d (below the band);"
              + " channels added %d, removed %d%n", s.minSize(), s.maxSize(),
          s.sizeAtStart() == null ? "-" : s.sizeAtStart(), s.sizeAtEnd(), s.targetAtEnd(), s.resizesUp(), s.resizesByReason().get("CALLS_QUEUED"),
          s.resizesByReason().get("ABOVE_BAND"), s.resizesDown(), s.channelsAdded(), s.channelsRemoved());
    }
  }

  /** A count over the measurement: its value at the end less its value at the start (none: 0). */
  private static <T> long since(T before, T after, ToLongFunction<T> count) {
    return count.applyAsLong(after) - (before == null ? 0 : count.applyAsLong(before));
  }

  private static Map<Integer, PoolStats.ChannelStats> byIndex(PoolStats stats) {
    Map<Integer, PoolStats.ChannelStats> m = new HashMap<>();
    if (stats != null) {
      stats.channels().forEach(c -> m.put(c.index(), c));
    }
    return m;
  }
}
