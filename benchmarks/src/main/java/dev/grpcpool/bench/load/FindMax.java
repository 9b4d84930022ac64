package dev.grpcpool.bench.load;

import dev.grpcpool.bench.load.call.CallTemplate;
import io.grpc.Channel;
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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saturation search: the highest open-loop rate a target serves within a latency objective.
 *
 * <p>The search: a closed-loop probe with as many callers as the cap on calls in flight, after the run's warm-up
 * (so the JIT and the connections are warm), estimates the target's capacity C; open-loop steps then start at
 * {@link #START_SHARE} of C and rise by {@link #STEP_UP} until one breaks the objective (the probe may well
 * underestimate: a closed loop with many callers queued is not the most a target serves) or go down by halves
 * until one holds, then bisect
 * (geometrically) between the highest rate that held and the lowest that broke, until they are within
 * {@link #PRECISION} or {@link #MAX_BISECTIONS} more steps were made. The answer is then measured once more: on a
 * shared machine a step can hold by luck (a quiet few seconds of a noisy neighbour), and an answer that held once
 * is only as good as that luck. If the confirmation breaks, the search goes on below it, at most
 * {@link #MAX_CONFIRMATIONS} times. A step holds when its {@link RunVerdict}
 * found no problem and its corrected latency at the objective's percentile is within the objective. Each step is
 * measured for the run's duration after a warm-up of its own (the run's fixed warm-up, or {@link #STEP_WARMUP}
 * after an automatic one), ramping up from a tenth of its rate. A step at which the generator fell behind ends the
 * search: above it the figures would measure the generator.
 *
 * <p>Stateless and thread-safe; one search at a time per channel.
 */
public final class FindMax {

  /** The objective of a search that names none. */
  public static final String DEFAULT_SLO = "p99=100ms";
  static final double STEP_UP = 1.25;
  static final double PRECISION = 0.05;
  static final int MAX_BISECTIONS = 6;
  static final Duration STEP_WARMUP = Duration.ofSeconds(3);
  /** The first step's share of the probe's rate. */
  static final double START_SHARE = 0.8;
  /** Steps up before the search gives up finding a rate that breaks the objective. */
  static final int MAX_STEPS_UP = 15;
  /** Times the answer is measured again before the search ends with it. */
  static final int MAX_CONFIRMATIONS = 2;

  /**
   * A latency objective: the corrected latency at {@code percentile} at most {@code latency}.
   *
   * @param text the form it was given in, e.g. {@code p99=50ms}
   */
  public record Slo(double percentile, Duration latency, String text) {
    private static final Pattern FORM = Pattern.compile("p(\\d+(?:\\.\\d+)?)\\s*[=<]=?\\s*(.+)");

    /**
     * Parses {@code p99=50ms}, {@code p99.9=200ms}, {@code p50<=5ms}.
     *
     * @param durations parses the latency part
     * @throws IllegalArgumentException naming the problem
     */
    public static Slo parse(String text, java.util.function.Function<String, Duration> durations) {
      Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new IllegalArgumentException("--slo '" + text + "' is not an objective; use a form like p99=50ms");
      }
      double p = Double.parseDouble(m.group(1));
      if (!(p > 0 && p < 100)) {
        throw new IllegalArgumentException("--slo percentile must be in (0, 100), was " + m.group(1));
      }
      Duration d;
      try {
        d = durations.apply(m.group(2).trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--slo '" + text + "': " + e.getMessage());
      }
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("--slo latency must be > 0, was '" + m.group(2).trim() + "'");
      }
      return new Slo(p, d, text.trim());
    }

    double millis() {
      return latency.toNanos() / 1e6;
    }
  }

  /** One measured step; latency in milliseconds at the objective's percentile, corrected (NaN: none). */
  public record Step(int number, String phase, double rate, double okRate, double latencyMillis,
      double meanServiceMillis, double failedPercent, String verdict, boolean held, String folder) {}

  /**
   * The answer.
   *
   * @param maxRate the highest rate that held, or NaN when none did
   * @param best the step that measured it, or null
   * @param conclusion the answer in words
   * @param exitCode 0 when a rate held; else the exit code of what stopped the search
   */
  public record Outcome(List<Step> steps, double maxRate, Step best, String conclusion, int exitCode) {}

  private FindMax() {}

  /**
   * Searches with {@code template}'s load (payload, work, deadline, cap on calls in flight, duration per step) on
   * {@code channel}; writes each step's folder and {@code find-max.csv} / {@code find-max.json} into {@code dir}.
   *
   * @param log told a line per step as it finishes
   */
  public static Outcome search(Channel channel, LoadSpec template, CallTemplate calls, Slo slo, Path dir,
      Map<String, Object> config, Consumer<String> log) throws InterruptedException {
    return search(channel, template, calls, slo, dir, config, log, g -> { });
  }

  /**
   * As {@link #search(Channel, LoadSpec, CallTemplate, Slo, Path, Map, Consumer)}, telling {@code started} of each step's
   * generator, so that a caller can stop it; a stopped step ends the search with what was found so far.
   */
  public static Outcome search(Channel channel, LoadSpec template, CallTemplate calls, Slo slo, Path dir,
      Map<String, Object> config, Consumer<String> log, Consumer<LoadGenerator> started)
      throws InterruptedException {
    Search s = new Search(channel, calls, slo, dir, config, log, started);
    return s.run(template);
  }

  /** One search's state: the steps so far and where they go. */
  private static final class Search {
    private final Channel channel;
    private final CallTemplate calls;
    private final Slo slo;
    private final Path dir;
    private final Map<String, Object> config;
    private final Consumer<String> log;
    private final Consumer<LoadGenerator> started;
    private final List<Step> steps = new ArrayList<>();
    private boolean interrupted;
    /** The highest rate that held and the lowest that broke, so far. */
    private Step held;
    private Step broke;
    /** The next step's number. */
    private int n = 1;
    /** Set when the last step ended the search: the outcome to return. */
    private Outcome stopped;

    Search(Channel channel, CallTemplate calls, Slo slo, Path dir, Map<String, Object> config,
        Consumer<String> log, Consumer<LoadGenerator> started) {
      this.channel = channel;
      this.calls = calls;
      this.slo = slo;
      this.dir = dir;
      this.config = config;
      this.log = log;
      this.started = started;
    }

    Outcome run(LoadSpec template) throws InterruptedException {
      int callers = template.concurrency() > 0 ? template.concurrency() : LoadSpec.DEFAULT_MAX_IN_FLIGHT;
      LoadSpec probeSpec = template.withCallers(callers);
      LoadResult probe = measure(probeSpec, 0, "probe");
      step(0, "probe", Double.NaN, probe);
      if (interrupted) {
        return finish(steps, null, slo, "the search was stopped", 130, dir);
      }
      double capacity = probe.okRate();
      if (!(capacity > 0)) {
        return finish(steps, null, slo, "the closed-loop probe had no successful call ("
            + probe.verdict().outcome() + "); nothing to search", Math.max(probe.verdict().exitCode(), 1), dir);
      }
      // The probe warmed the JIT and the connections; a step only needs its own rate to settle.
      LoadSpec stepTemplate = template.atRate(capacity)
          .withWarmup(template.warmupUntilSteady() ? STEP_WARMUP : template.warmup());
      double rate = START_SHARE * capacity;
      // Up (or down, if the first step already breaks) until the objective is crossed.
      while (true) {
        tryRate(stepTemplate, rate, "step");
        if (stopped != null) {
          return stopped;
        }
        if (held != null && broke != null) {
          break;
        }
        if (broke == null) {
          if (n > MAX_STEPS_UP) {
            return finish(steps, held, slo, "every step held, up to " + rate(rate) + "/s, "
                + MAX_STEPS_UP + " steps above the closed-loop probe's estimate", 0, dir);
          }
          rate *= STEP_UP;
        } else {
          if (n > 6) {
            return finish(steps, null, slo, "no rate down to " + rate(rate) + "/s held the objective", 4, dir);
          }
          rate /= 2;
        }
      }
      // Bisect between the highest rate that held and the lowest that broke, then confirm the answer; a
      // confirmation that breaks becomes the lowest rate that broke, and the search goes on below it.
      for (int confirmations = 0; ; confirmations++) {
        for (int b = 0; b < MAX_BISECTIONS && broke.rate() / held.rate() > 1 + PRECISION; b++) {
          tryRate(stepTemplate, Math.sqrt(held.rate() * broke.rate()), "bisect");
          if (stopped != null) {
            return stopped;
          }
        }
        if (confirmations == MAX_CONFIRMATIONS) {
          return finish(steps, held, slo, String.format(Locale.ROOT,
              "the lowest rate tried above it, %s/s, did not (%s). Not confirmed: the %d answers before it held"
                  + " once and broke when measured again, so the target's capacity moved during the search",
              rate(broke.rate()), why(broke, slo), MAX_CONFIRMATIONS), 0, dir);
        }
        Step c = tryRate(stepTemplate, held.rate(), "confirm");
        if (stopped != null) {
          return stopped;
        }
        if (c.held()) {
          return finish(steps, c, slo, String.format(Locale.ROOT,
              "it held twice; the lowest rate tried above it, %s/s, did not (%s)", rate(broke.rate()),
              why(broke, slo)), 0, dir);
        }
        held = highestHeldBelow(c.rate());
        while (held == null) {
          if (n > MAX_STEPS_UP + MAX_BISECTIONS) {
            return finish(steps, null, slo, "no rate held twice; the last tried was " + rate(broke.rate()) + "/s",
                4, dir);
          }
          tryRate(stepTemplate, broke.rate() / 2, "step");
          if (stopped != null) {
            return stopped;
          }
        }
      }
    }

    /**
     * Measures one step at {@code rate} and files it as the highest rate that held or the lowest that broke;
     * sets {@link #stopped} instead when the search must end there.
     */
    private Step tryRate(LoadSpec template, double rate, String phase) throws InterruptedException {
      Step s = run(template, rate, n++, phase);
      stopped = stopAfter(s);
      if (stopped == null) {
        if (s.held()) {
          held = s;
        } else {
          broke = s;
        }
      }
      return s;
    }

    /** The step with the highest rate below {@code rate} that held, or null. */
    private Step highestHeldBelow(double rate) {
      Step best = null;
      for (Step s : steps) {
        if (s.held() && s.rate() < rate && (best == null || s.rate() > best.rate())) {
          best = s;
        }
      }
      return best;
    }

    /** The search's end when step {@code s} was stopped or its generator fell behind (twice); else null. */
    private Outcome stopAfter(Step s) {
      if (interrupted) {
        return finish(steps, held, slo, "the search was stopped", 130, dir);
      }
      if (generatorBehind(s)) {
        return finish(steps, held, slo, "the generator fell behind at " + rate(s.rate())
            + "/s; the target's maximum is at least the highest rate that held", 5, dir);
      }
      return null;
    }

    /**
     * One step; a step at which the generator fell behind is measured once more (in a folder of its own) before
     * it counts, since a stall of the machine can cause it as well as a rate the generator cannot send.
     */
    private Step run(LoadSpec template, double rate, int n, String phase) throws InterruptedException {
      Step s = step(n, phase, rate, measure(template.atRate(rate), n, phase));
      if (generatorBehind(s) && !interrupted) {
        s = step(n, phase + "-again", rate, measure(template.atRate(rate), n, phase + "-again"));
      }
      return s;
    }

    private LoadResult measure(LoadSpec spec, int n, String phase) throws InterruptedException {
      LoadGenerator g = LoadGenerator.start(channel, spec, calls, new LoadGenerator.Listener() {});
      started.accept(g);
      LoadResult r = g.await();
      interrupted |= r.interrupted();
      RunOutput out = RunOutput.prepare(dir.resolve(folder(n, phase)), "load");
      Map<String, Object> c = new LinkedHashMap<>(config);
      c.put("load", spec.toMap());
      out.write(r, c, Map.of());
      return r;
    }

    private Step step(int n, String phase, double rate, LoadResult r) {
      double latency = LoadRecorder.millis(r.corrected(), slo.percentile());
      long ended = r.ok() + r.failed();
      double failed = ended == 0 ? 0 : 100.0 * r.failed() / ended;
      boolean held = !Double.isNaN(rate) && r.verdict().held() && latency <= slo.millis();
      double service = r.uncorrected().getTotalCount() == 0 ? Double.NaN : r.uncorrected().getMean() / 1000.0;
      Step s = new Step(n, phase, rate, r.okRate(), latency, service, failed, r.verdict().outcome(), held,
          folder(n, phase));
      steps.add(s);
      log.accept(line(s, slo));
      return s;
    }
  }

  private static boolean generatorBehind(Step s) {
    return s.verdict().equals(RunVerdict.Problem.GENERATOR_BEHIND.name());
  }

  private static String folder(int n, String phase) {
    return String.format(Locale.ROOT, "step-%02d-%s", n, phase);
  }

  private static String why(Step s, Slo slo) {
    if (!s.verdict().equals("HELD")) {
      return s.verdict();
    }
    return String.format(Locale.ROOT, "p%s %.1f ms > %s", number(slo.percentile()), s.latencyMillis(),
        slo.text().replaceFirst("(?i)^p[0-9.]+\\s*[=<]=?\\s*", ""));
  }

  private static Outcome finish(List<Step> steps, Step best, Slo slo, String why, int exitCode, Path dir) {
    String conclusion = best == null
        ? "No rate held the objective (" + slo.text() + ", failures within the allowed share): " + why
        : String.format(Locale.ROOT, "Highest rate that held %s (and every check of the run): %s calls/s. %s",
            slo.text(), rate(best.rate()), why.substring(0, 1).toUpperCase(Locale.ROOT) + why.substring(1) + ".");
    Outcome o = new Outcome(List.copyOf(steps), best == null ? Double.NaN : best.rate(), best, conclusion,
        best == null ? Math.max(exitCode, 1) : exitCode);
    write(o, slo, dir);
    return o;
  }

  /** The step table and the answer, for a person. */
  public static void print(Outcome o, Slo slo, PrintWriter out) {
    out.printf(Locale.ROOT, "%4s %-7s %12s %12s %14s %9s  %-18s %s%n", "step", "phase", "rate/s", "ok/s",
        "p" + number(slo.percentile()) + " ms", "failed %", "verdict", "objective");
    for (Step s : o.steps()) {
      out.printf(Locale.ROOT, "%4d %-7s %12s %12s %14s %9.2f  %-18s %s%n", s.number(), s.phase(),
          Double.isNaN(s.rate()) ? "closed" : rate(s.rate()), rate(s.okRate()),
          Double.isNaN(s.latencyMillis()) ? "-" : String.format(Locale.ROOT, "%.3f", s.latencyMillis()),
          s.failedPercent(), s.verdict(), s.phase().equals("probe") ? "(capacity estimate)"
              : s.held() ? "held" : "broke");
    }
    out.println();
    out.println(o.conclusion());
    out.flush();
  }

  private static String line(Step s, Slo slo) {
    return String.format(Locale.ROOT, "find-max %-6s %12s/s: ok %12s/s  p%s %s ms  failed %.2f %%  %s%s",
        s.phase(), Double.isNaN(s.rate()) ? "closed" : rate(s.rate()), rate(s.okRate()), number(slo.percentile()),
        Double.isNaN(s.latencyMillis()) ? "-" : String.format(Locale.ROOT, "%.3f", s.latencyMillis()),
        s.failedPercent(), s.verdict(), s.phase().equals("probe") ? "" : s.held() ? "  held" : "  broke");
  }

  private static void write(Outcome o, Slo slo, Path dir) {
    StringBuilder csv = new StringBuilder("step,phase,rate,ok_rate,latency_ms,failed_percent,verdict,held,folder\n");
    for (Step s : o.steps()) {
      csv.append(String.format(Locale.ROOT, "%d,%s,%s,%.1f,%s,%.3f,%s,%s,%s%n", s.number(), s.phase(),
          Double.isNaN(s.rate()) ? "" : String.format(Locale.ROOT, "%.1f", s.rate()), s.okRate(),
          Double.isNaN(s.latencyMillis()) ? "" : String.format(Locale.ROOT, "%.3f", s.latencyMillis()),
          s.failedPercent(), s.verdict(), s.held(), s.folder()));
    }
    List<StepJson> rows = new ArrayList<>();
    for (Step s : o.steps()) {
      rows.add(new StepJson(s.number(), s.phase(), orNull(s.rate()), s.okRate(), orNull(s.latencyMillis()),
          s.failedPercent(), s.verdict(), s.held(), s.folder()));
    }
    ResultJson json = new ResultJson(new ObjectiveJson(slo.percentile(), slo.millis(), slo.text()),
        orNull(o.maxRate()), o.conclusion(), o.exitCode(), rows);
    try {
      Files.writeString(Files.createFile(dir.resolve("find-max.csv")), csv, StandardCharsets.UTF_8);
      Files.writeString(Files.createFile(dir.resolve("find-max.json")), RunOutput.json(json), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the search's results to " + dir, e);
    }
  }

  private static String rate(double r) {
    return String.format(Locale.ROOT, "%,.0f", r);
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** NaN, which JSON cannot hold, as null. */
  private static Double orNull(double value) {
    return Double.isNaN(value) ? null : value;
  }

  /** {@code find-max.json}, field by field; null stands for "no value". */
  record ResultJson(ObjectiveJson objective, Double maxRate, String conclusion, int exitCode, List<StepJson> steps) {}

  /** The latency objective in {@code find-max.json}. */
  record ObjectiveJson(double percentile, double latencyMillis, String text) {}

  /** One step of the search in {@code find-max.json}. */
  record StepJson(int step, String phase, Double rate, double okRate, Double latencyMillis, double failedPercent,
      String verdict, boolean held, String folder) {}
}
