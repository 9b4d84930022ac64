package dev.grpcpool.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.grpcpool.bench.report.HgrmWriter;
import dev.grpcpool.bench.report.HlogWriter;
import dev.grpcpool.bench.report.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folder a load run writes: {@code summary.json}, the interval logs {@code latency.hlog} (corrected) and
 * {@code service-time.hlog} (from the actual send), one histogram per second each, their percentile
 * distributions {@code latency.hgrm} and {@code service-time.hgrm}, and {@code timeline.csv}.
 *
 * <p>Never overwrites: the folder is new (a {@link RunFolder}) or an empty one the user named, and every file is
 * created new. Not thread-safe; one run writes its folder once.
 */
public final class RunOutput {
  public static final String SUMMARY = "summary.json";
  public static final String LATENCY_HLOG = "latency.hlog";
  public static final String SERVICE_HLOG = "service-time.hlog";
  public static final String LATENCY_HGRM = "latency.hgrm";
  public static final String SERVICE_HGRM = "service-time.hgrm";
  public static final String TIMELINE = "timeline.csv";

  private final Path dir;

  private RunOutput(Path dir) {
    this.dir = dir;
  }

  /**
   * The output folder of a run: {@code dir} when given (created if missing; refused if it exists and is not an
   * empty directory), else a new {@link RunFolder} labelled {@code label}.
   *
   * @throws IllegalArgumentException if {@code dir} exists and is not empty, or is not a directory
   */
  public static RunOutput prepare(Path dir, String label) {
    if (dir == null) {
      return new RunOutput(RunFolder.create(label).path());
    }
    checkUsable(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create output folder " + dir + ": " + e.getMessage());
    }
    return new RunOutput(dir);
  }

  /**
   * Checks, before anything runs, that {@code dir} could be used as an output folder.
   *
   * @throws IllegalArgumentException if it exists and is not an empty directory
   */
  public static void checkUsable(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--out " + dir + " exists and is not a directory");
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException(
            "--out " + dir + " is not empty; refusing to overwrite results (choose a new folder)");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --out " + dir + ": " + e.getMessage());
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * Writes every file of the run.
   *
   * @param configuration the full configuration of the run (target, pool, load, faults), stored in the summary
   * @param extra further top-level summary entries (pool statistics, applied faults), may be empty
   */
  public void write(LoadResult r, Map<String, Object> configuration, Map<String, Object> extra) {
    Instant start = Instant.ofEpochMilli(r.startEpochMillis());
    String what = (r.spec().mode() == LoadSpec.Mode.OPEN_LOOP ? "open loop " + r.spec().rate() + " calls/s"
        : "closed loop " + r.spec().concurrency() + " callers") + ", target " + configuration.get("target");
    writeLog(LATENCY_HLOG, "grpcpool load: latency from intended start (corrected), " + what, start, r,
        true);
    writeLog(SERVICE_HLOG, "grpcpool load: latency from actual send (service time), " + what, start, r,
        false);
    HgrmWriter.write(newFile(LATENCY_HGRM), r.corrected(), LoadRecorder.UNIT,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    HgrmWriter.write(newFile(SERVICE_HGRM), r.uncorrected(), LoadRecorder.UNIT,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    writeString(TIMELINE, timeline(r));
    writeString(SUMMARY, json(summary(r, configuration, extra)));
  }

  private void writeLog(String name, String comment, Instant start, LoadResult r, boolean corrected) {
    try (HlogWriter log = HlogWriter.open(newFile(name), start, comment, LoadRecorder.UNIT)) {
      for (IntervalSample s : r.intervals()) {
        log.append(corrected ? s.corrected() : s.uncorrected());
      }
    }
  }

  /** The summary as an ordered map: the figures first, then the configuration. */
  static Map<String, Object> summary(LoadResult r, Map<String, Object> configuration, Map<String, Object> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tool", "grpcpool load");
    m.put("startTime", Instant.ofEpochMilli(r.startEpochMillis()).toString());
    m.put("mode", r.spec().mode() == LoadSpec.Mode.OPEN_LOOP ? "open-loop" : "closed-loop");
    m.put("interrupted", r.interrupted());
    m.put("measuredSeconds", LatencySummary.round(r.measuredNanos() / 1e9));
    m.put("achievedRate", Math.round(r.achievedRate() * 10) / 10.0);
    m.put("achievedRateUnit", "calls/s");
    m.put("intended", r.intended());
    m.put("sent", r.sent());
    m.put("ok", r.ok());
    m.put("errors", r.errors());
    m.put("errorsByStatus", new java.util.TreeMap<>(r.errorsByStatus()));
    m.put("late", r.late());
    m.put("missed", r.missed());
    m.put("unfinished", r.unfinished());
    m.put("maxLagMillis", LatencySummary.round(r.maxLagNanos() / 1e6));
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("unit", "ms");
    latency.put("corrected", LatencySummary.of(r.corrected()));
    latency.put("uncorrected", LatencySummary.of(r.uncorrected()));
    latency.put("note", r.spec().mode() == LoadSpec.Mode.OPEN_LOOP
        ? "corrected: from each call's intended start (coordinated omission corrected);"
            + " uncorrected: from its actual send (service time)"
        : "closed loop: no schedule, both views are service time");
    m.put("latency", latency);
    m.put("backends", groups(r.backends()));
    m.put("channels", groups(r.channels()));
    m.putAll(extra);
    m.put("configuration", configuration);
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("intervalLog", LATENCY_HLOG);
    files.put("serviceTimeIntervalLog", SERVICE_HLOG);
    files.put("percentiles", LATENCY_HGRM);
    files.put("serviceTimePercentiles", SERVICE_HGRM);
    files.put("timeline", TIMELINE);
    files.put("hlogValueUnit", "microseconds");
    m.put("files", files);
    return m;
  }

  private static List<Map<String, Object>> groups(Map<String, GroupStats> groups) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (GroupStats g : groups.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", g.name());
      m.put("calls", g.calls());
      m.put("ok", g.ok());
      m.put("errors", g.errors());
      m.put("p50", LatencySummary.round(g.p50Millis()));
      m.put("p99", LatencySummary.round(g.p99Millis()));
      out.add(m);
    }
    return out;
  }

  /** second, sent, ok, errors, p50 and p99 (corrected, ms), then late sends and the service-time p99. */
  static String timeline(LoadResult r) {
    StringBuilder sb = new StringBuilder("second,sent,ok,errors,p50_ms,p99_ms,late,service_p99_ms\n");
    for (IntervalSample s : r.intervals()) {
      sb.append(s.index()).append(',').append(s.sent()).append(',').append(s.ok()).append(',')
          .append(s.errors()).append(',').append(fmt(s.correctedMillis(50))).append(',')
          .append(fmt(s.correctedMillis(99))).append(',').append(s.late()).append(',')
          .append(fmt(LoadRecorder.millis(s.uncorrected(), 99))).append('\n');
    }
    return sb.toString();
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }

  static String json(Object value) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeString(String name, String content) {
    try {
      Files.writeString(newFile(name), content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
    }
  }

  private Path newFile(String name) {
    try {
      return Files.createFile(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir.resolve(name) + " (never overwritten)", e);
    }
  }
}
