package dev.grpcpool.bench.load.html;

import dev.grpcpool.bench.load.ClockProbe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The generators of one split load ({@code grpcpool load --generators N --start-at T}), as {@code report --merge}
 * finds them among its runs: checks that they belong together and says how far apart their starts and their clocks
 * were.
 *
 * <p>Runs belong together when they name the same start and generator count, the same target and the same load
 * settings (the method called and its data included), and no index appears twice. Starts are compared as each generator's clock read them; clocks are compared
 * through a backend that several generators probed ({@link ClockProbe}), which also puts the starts on one clock.
 * Stateless.
 */
final class GeneratorSet {
  /** Settings that runs of one split load share: every generator was given the same command. */
  static final List<String> SHARED = List.of("target", "load.mode", "load.generators", "load.startAt", "load.seed",
      "load.rate", "load.arrivals", "load.durationMillis", "load.warmup", "load.payloadBytes", "load.responseSize",
      "load.cpuMicros", "load.ioMicros", "load.call.method", "load.call.data", "load.call.streamMessages",
      "load.deadlineMillis", "channel.strategy", "channel.size");

  private GeneratorSet() {}

  /**
   * What a merged report says about the generators among {@code runs}: an empty list when none of them was one of
   * several generators (independent runs, merged by time alone), else one line on the generators and their starts
   * and clocks, and one per generator missing.
   *
   * @throws IllegalArgumentException in one line, if some runs are generators of a split load and others are not,
   *     the generators belong to different loads (a setting differs), or an index appears twice
   */
  static List<String> describe(List<RunSummary> runs) {
    List<RunSummary> split = runs.stream().filter(r -> r.configuration().containsKey("load.generators")).toList();
    if (split.isEmpty()) {
      return List.of();
    }
    if (split.size() < runs.size()) {
      RunSummary alone = runs.stream().filter(r -> !split.contains(r)).findFirst().orElseThrow();
      throw new IllegalArgumentException("--merge: " + split.get(0).name() + " is generator "
          + index(split.get(0)) + " of a split load (--generators), but " + alone.name() + " is not");
    }
    RunSummary first = runs.get(0);
    for (RunSummary r : runs.subList(1, runs.size())) {
      for (String key : SHARED) {
        String a = first.configuration().get(key);
        String b = r.configuration().get(key);
        if (!Objects.equals(a, b)) {
          throw new IllegalArgumentException(String.format(Locale.ROOT, "--merge: %s and %s are not generators of"
              + " one load: %s is %s in one and %s in the other", first.name(), r.name(), key, a, b));
        }
      }
    }
    int count = Integer.parseInt(first.configuration().get("load.generators"));
    TreeMap<Integer, RunSummary> byIndex = new TreeMap<>();
    for (RunSummary r : runs) {
      RunSummary twice = byIndex.put(index(r), r);
      if (twice != null) {
        throw new IllegalArgumentException("--merge: " + twice.name() + " and " + r.name() + " are both generator "
            + index(r) + " of " + count + "; give each generator's folder once");
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%d of %d generators, start %s: %s", runs.size(), count,
        first.configuration().get("load.startAt"), startsAndClocks(runs)));
    for (int i = 0; i < count; i++) {
      if (!byIndex.containsKey(i)) {
        lines.add(String.format(Locale.ROOT, "generator %d of %d is missing: the merged figures hold %d/%d of the"
            + " load", i, count, runs.size(), count));
      }
    }
    return lines;
  }

  private static int index(RunSummary r) {
    return Integer.parseInt(r.configuration().getOrDefault("load.generator", "0"));
  }

  /** How far apart the measured windows began, by each clock and, where a common backend allows, on one clock. */
  private static String startsAndClocks(List<RunSummary> runs) {
    if (runs.size() < 2) {
      return "one generator's run, nothing to line up";
    }
    long[] starts = runs.stream().mapToLong(r -> r.start().toEpochMilli() * 1000).toArray();
    String own = String.format(Locale.ROOT, "measurements began %s ms apart by each generator's own clock",
        millis(spread(starts)));
    String backend = commonBackend(runs);
    if (backend == null) {
      return own + "; how far their clocks were apart is unknown (no backend told its time to all of them)";
    }
    long[] offsets = new long[runs.size()];
    long[] onOne = new long[runs.size()];
    long[] roundTrips = new long[runs.size()];
    for (int i = 0; i < runs.size(); i++) {
      ClockProbe.Offset o = offset(runs.get(i), backend);
      offsets[i] = o.offsetMicros();
      onOne[i] = starts[i] + o.offsetMicros();
      roundTrips[i] = o.roundTripMicros();
    }
    // Each offset is true within half its probe's round trip, so a difference of two within the sum of the halves.
    Arrays.sort(roundTrips);
    long bound = (roundTrips[roundTrips.length - 1] + roundTrips[roundTrips.length - 2]) / 2;
    return String.format(Locale.ROOT, "%s; by backend %s's clock, their clocks were %s ms apart and their"
        + " measurements began %s ms apart (each true within ±%s ms, from the probes' round trips)", own, backend,
        millis(spread(offsets)), millis(spread(onOne)), millis(bound));
  }

  /** A backend whose time every run read, preferring the one read with the shortest round trips; or null. */
  private static String commonBackend(List<RunSummary> runs) {
    Map<String, Long> worstRoundTrip = new LinkedHashMap<>();
    for (ClockProbe.Offset o : runs.get(0).clocks()) {
      worstRoundTrip.put(o.backend(), o.roundTripMicros());
    }
    for (RunSummary r : runs.subList(1, runs.size())) {
      worstRoundTrip.keySet().removeIf(b -> offset(r, b) == null);
      for (Map.Entry<String, Long> e : worstRoundTrip.entrySet()) {
        e.setValue(Math.max(e.getValue(), offset(r, e.getKey()).roundTripMicros()));
      }
    }
    return worstRoundTrip.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
        .orElse(null);
  }

  private static ClockProbe.Offset offset(RunSummary r, String backend) {
    return r.clocks().stream().filter(o -> o.backend().equals(backend)).findFirst().orElse(null);
  }

  private static long spread(long[] micros) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long m : micros) {
      min = Math.min(min, m);
      max = Math.max(max, m);
    }
    return max - min;
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }
}
