package dev.grpcpool.bench.load;

import dev.grpcpool.bench.load.call.CallTemplate;
import dev.grpcpool.bench.load.html.SvgChart;
import dev.grpcpool.core.sizing.PoolSizing;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Pool sizing by measurement: runs the load generator once per pool size against one target and picks the
 * smallest size within 5 % of the best throughput (or, with a p99 target, the smallest size that meets it), beside
 * what the rule of thumb and Little's law recommend, so a user sees whether the rules hold for their server.
 *
 * <p>Each size runs with a fresh pool, its own warm-up and the same load; its full run folder is kept in
 * {@code size-N/}. Stateless and thread-safe; one sweep at a time per target.
 */
public final class SizeSweep {

  /** A size is as good as the best when its throughput is within this fraction of the best's. */
  public static final double WITHIN_BEST = 0.05;

  /** One measured pool size. Latencies in milliseconds (corrected for open-loop runs). */
  public record Point(int size, double throughput, double p50Millis, double p99Millis, double meanServiceMillis,
      long sent, long errors) {}

  /**
   * The sweep's answer.
   *
   * @param chosen the recommended size, or null when no size met the p99 target
   * @param rule how {@code chosen} was picked
   */
  public record Outcome(List<Point> points, Point chosen, String rule, PoolSizing.Recommendation heuristic,
      PoolSizing.Recommendation heuristicHighConcurrency, PoolSizing.LittlesLaw littlesLaw) {}

  private SizeSweep() {}

  /**
   * 1, 2, 4, … up to the largest size the rule of thumb recommends on {@code cores} cores (any workload, with the
   * high-concurrency factor), which is included.
   */
  public static List<Integer> defaultSizes(int cores) {
    int max = 1;
    for (PoolSizing.Workload w : PoolSizing.Workload.values()) {
      max = Math.max(max, PoolSizing.recommend(w, true, cores));
    }
    TreeSet<Integer> sizes = new TreeSet<>();
    for (int s = 1; s < max; s *= 2) {
      sizes.add(s);
    }
    sizes.add(max);
    return List.copyOf(sizes);
  }

  /**
   * Measures every size in {@code sizes} and writes {@code sizing.csv}, {@code sizing.json}, {@code sizing.html}
   * and one run folder per size into {@code dir}.
   *
   * @param settings the load of every run (channels must be a pool; faults are not applied)
   * @param p99TargetMillis pick the smallest size whose p99 is at most this; null to pick by throughput
   * @param log told a line per size as it finishes
   */
  public static Outcome run(LoadTarget target, RunSettings settings, List<Integer> sizes, Double p99TargetMillis,
      Path dir, Consumer<String> log) throws InterruptedException {
    return run(target, settings, sizes, p99TargetMillis, null, dir, log);
  }

  /**
   * As {@link #run(LoadTarget, RunSettings, List, Double, Path, Consumer)}; with an objective {@code slo}, each size
   * is measured by a saturation search ({@link FindMax}) and its throughput is the highest rate that held the
   * objective, so the answer is the smallest pool that sustains (within 5 %) the most calls at the objective.
   */
  public static Outcome run(LoadTarget target, RunSettings settings, List<Integer> sizes, Double p99TargetMillis,
      FindMax.Slo slo, Path dir, Consumer<String> log) throws InterruptedException {
    if (!(settings.channels() instanceof Channels.Pool)) {
      throw new IllegalArgumentException("sizing sweeps pool sizes; --single-channel has no pool");
    }
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException("no pool sizes to measure");
    }
    List<Point> points = new ArrayList<>();
    for (int size : sizes) {
      try (LoadTarget.Connection c = target.connect(settings.channels(), size, settings.healthService(),
          settings.healthInterval())) {
        CallTemplate calls = target.prepare(c.channel(), settings.spec(), Duration.ofSeconds(5));
        Map<String, Object> config = new LinkedHashMap<>(target.toMap());
        config.put("channel", settings.withPoolSize(size).poolMap());
        Point p;
        if (slo != null) {
          Path sizeDir = RunOutput.prepare(dir.resolve("size-" + size), "sizing").dir();
          FindMax.Outcome o = FindMax.search(c.channel(), settings.spec(), calls, slo, sizeDir, config,
              line -> log.accept("pool size " + size + ": " + line));
          FindMax.Step b = o.best();
          p = b == null ? new Point(size, 0, Double.NaN, Double.NaN, Double.NaN, 0, 0)
              : new Point(size, b.rate(), Double.NaN, b.latencyMillis(), b.meanServiceMillis(), 0, 0);
        } else {
          LoadResult r = LoadGenerator.run(c.channel(), settings.spec(), calls);
          RunOutput out = RunOutput.prepare(dir.resolve("size-" + size), "load");
          config.put("load", settings.spec().toMap());
          out.write(r, config, Map.of());
          p = new Point(size, r.achievedRate(), LoadRecorder.millis(r.corrected(), 50),
              LoadRecorder.millis(r.corrected(), 99), r.uncorrected().getTotalCount() == 0 ? Double.NaN
                  : r.uncorrected().getMean() / 1000.0, r.sent(), r.failed());
        }
        points.add(p);
        log.accept(String.format(Locale.ROOT, "pool size %3d: %10.1f calls/s  p50 %8.3f ms  p99 %8.3f ms  failed %d",
            size, p.throughput(), p.p50Millis(), p.p99Millis(), p.errors()));
      }
    }
    Outcome outcome = decide(points, p99TargetMillis, settings.workload(),
        Runtime.getRuntime().availableProcessors());
    if (slo != null) {
      outcome = new Outcome(outcome.points(), outcome.chosen(), outcome.rule().replace("best throughput",
          "best rate that held " + slo.text()), outcome.heuristic(), outcome.heuristicHighConcurrency(),
          outcome.littlesLaw());
    }
    write(outcome, dir, p99TargetMillis);
    return outcome;
  }

  /** Picks the size and adds the rules' recommendations; pure, so it can be checked without a server. */
  static Outcome decide(List<Point> points, Double p99TargetMillis, PoolSizing.Workload workload, int cores) {
    Point best = points.get(0);
    for (Point p : points) {
      if (p.throughput() > best.throughput()) {
        best = p;
      }
    }
    Point chosen = null;
    String rule;
    if (p99TargetMillis != null) {
      rule = String.format(Locale.ROOT, "smallest size with p99 <= %.3f ms", p99TargetMillis);
      for (Point p : points) {
        if (p.errors() == 0 && p.p99Millis() <= p99TargetMillis && (chosen == null || p.size() < chosen.size())) {
          chosen = p;
        }
      }
    } else {
      rule = String.format(Locale.ROOT, "smallest size within %.0f %% of the best throughput (%.1f calls/s at %d)",
          WITHIN_BEST * 100, best.throughput(), best.size());
      for (Point p : points) {
        if (p.throughput() >= (1 - WITHIN_BEST) * best.throughput() && (chosen == null || p.size() < chosen.size())) {
          chosen = p;
        }
      }
    }
    PoolSizing.LittlesLaw little = null;
    if (best.throughput() > 0 && best.meanServiceMillis() > 0) {  // NaN (unknown) fails both tests
      little = PoolSizing.littlesLaw(best.throughput(),
          Duration.ofNanos(Math.max(1, (long) (best.meanServiceMillis() * 1e6))));
    }
    return new Outcome(List.copyOf(points), chosen, rule, PoolSizing.heuristic(workload, false, cores),
        PoolSizing.heuristic(workload, true, cores), little);
  }

  /** The table and the verdict, for a person. */
  public static void print(Outcome o, PrintWriter out) {
    out.printf("%10s %14s %10s %10s %10s%n", "pool size", "calls/s", "p50 ms", "p99 ms", "failed");
    for (Point p : o.points()) {
      out.printf(Locale.ROOT, "%10d %14.1f %10s %10s %10d%s%n", p.size(), p.throughput(), ms(p.p50Millis()),
          ms(p.p99Millis()), p.errors(), p == o.chosen() ? "   <- measured choice" : "");
    }
    out.println();
    String indent = "               ";
    out.println("Measured:      " + (o.chosen() == null ? "no size met the target (" + o.rule() + ")"
        : channels(o.chosen().size()) + " (" + o.rule() + ")"));
    out.println("Rule of thumb: " + channels(o.heuristic().channels()) + ", "
        + channels(o.heuristicHighConcurrency().channels()) + " with high concurrency");
    out.println(indent + "(" + o.heuristic().explanation() + ")");
    if (o.littlesLaw() != null) {
      out.println("Little's law:  " + channels(o.littlesLaw().channels()));
      out.println(indent + "(" + o.littlesLaw().explanation() + ")");
    }
    out.flush();
  }

  private static String channels(int n) {
    return n + (n == 1 ? " channel" : " channels");
  }

  private static String ms(double millis) {
    return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%.3f", millis);
  }

  private static String csvMs(double millis) {
    return Double.isNaN(millis) ? "" : String.format(Locale.ROOT, "%.3f", millis);
  }

  private static void write(Outcome o, Path dir, Double p99Target) {
    StringBuilder csv = new StringBuilder("pool_size,calls_per_s,p50_ms,p99_ms,mean_service_ms,sent,errors\n");
    double[] x = new double[o.points().size()];
    double[] rate = new double[x.length];
    double[] p99 = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      Point p = o.points().get(i);
      csv.append(String.format(Locale.ROOT, "%d,%.1f,%s,%s,%s,%d,%d%n", p.size(), p.throughput(),
          csvMs(p.p50Millis()), csvMs(p.p99Millis()), csvMs(p.meanServiceMillis()), p.sent(), p.errors()));
      x[i] = p.size();
      rate[i] = p.throughput();
      p99[i] = p.p99Millis();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("points", o.points());
    json.put("chosen", o.chosen() == null ? null : o.chosen().size());
    json.put("rule", o.rule());
    json.put("p99TargetMillis", p99Target);
    json.put("heuristic", o.heuristic());
    json.put("heuristicHighConcurrency", o.heuristicHighConcurrency());
    json.put("littlesLaw", o.littlesLaw() == null ? null : Map.of("channels", o.littlesLaw().channels(),
        "explanation", o.littlesLaw().explanation()));
    String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>grpcpool sizing</title>"
        + "</head><body style=\"font-family:sans-serif\">\n<h1>Pool size by measurement</h1>\n<p>"
        + SvgChart.esc(o.chosen() == null ? "No size met the target." : "Measured choice: " + o.chosen().size()
            + " channels (" + o.rule() + "). Rule of thumb: " + o.heuristic().channels() + ". Little's law: "
            + (o.littlesLaw() == null ? "n/a" : o.littlesLaw().channels()) + ".")
        + "</p>\n"
        + new SvgChart("Throughput by pool size", "pool size (channels)", "calls/s")
            .scales(SvgChart.Scale.WHOLE, SvgChart.Scale.LINEAR).series("calls/s", x, rate).toSvg()
        + new SvgChart("p99 latency by pool size", "pool size (channels)", "p99 (ms)")
            .scales(SvgChart.Scale.WHOLE, SvgChart.Scale.LINEAR).series("p99", x, p99).toSvg()
        + "</body></html>\n";
    try {
      Files.writeString(Files.createFile(dir.resolve("sizing.csv")), csv, StandardCharsets.UTF_8);
      Files.writeString(Files.createFile(dir.resolve("sizing.json")), RunOutput.json(json), StandardCharsets.UTF_8);
      Files.writeString(Files.createFile(dir.resolve("sizing.html")), html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sizing results to " + dir, e);
    }
  }
}
