package dev.grpcpool.bench.load;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.grpcpool.bench.results.HgrmWriter;
import dev.grpcpool.bench.results.HlogWriter;
import dev.grpcpool.bench.results.RunFolder;
import dev.grpcpool.server.BoundedLogHandler;
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
 * {@code service-time.hlog} (from the actual send), one histogram per second of completion each, their percentile
 * distributions {@code latency.hgrm} and {@code service-time.hgrm}, and {@code timeline.csv} (per second of
 * intended start, with the completion view beside it).
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
  /** gRPC's and Netty's warnings during the run, bounded ({@link BoundedLogHandler}), when run from the CLI. */
  public static final String LOG = "run.log";

  private final Path dir;

  private RunOutput(Path dir) {
    this.dir = dir;
  }

  /**
   * The output folder of a run: {@code dir} when given (created if missing; refused if it exists and is not an
   * empty directory), else a new {@link RunFolder} labelled {@code label}. When the command line installed a
   * {@link BoundedLogHandler}, its lines go to the folder's {@value #LOG} from now on.
   *
   * @throws IllegalArgumentException if {@code dir} exists and is not empty, or is not a directory
   */
  public static RunOutput prepare(Path dir, String label) {
    Path made;
    if (dir == null) {
      made = RunFolder.create(label).path();
    } else {
      checkUsable(dir);
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot create output folder " + dir + ": " + e.getMessage());
      }
      made = dir;
    }
    // The command line holds library warnings (gRPC, Netty) off the console; from here on they belong to the run.
    BoundedLogHandler.installed().ifPresent(h -> h.writeTo(made.resolve(LOG)));
    return new RunOutput(made);
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
    write(r, configuration, extra, List.of());
  }

  /**
   * Writes every file of the run; {@code timeline.csv} gets the pool's size and queuing of each second (the
   * {@code pool_*} and {@code queued_*} columns) when {@code poolSeconds} holds any.
   */
  void write(LoadResult r, Map<String, Object> configuration, Map<String, Object> extra,
      List<PoolTimeline.Second> poolSeconds) {
    Instant start = Instant.ofEpochMilli(r.startEpochMillis());
    String what = (r.spec().mode() == LoadSpec.Mode.OPEN_LOOP
        ? "open loop " + r.spec().rateText()
        : "closed loop " + r.spec().concurrency() + " callers") + ", target " + configuration.get("target")
        + (r.spec().generators() > 1
            ? ", generator " + r.spec().generatorIndex() + " of " + r.spec().generators() : "");
    writeLog(LATENCY_HLOG, "grpcpool load: latency from intended start (corrected), " + what, start, r,
        true);
    writeLog(SERVICE_HLOG, "grpcpool load: latency from actual send (service time), " + what, start, r,
        false);
    HgrmWriter.write(newFile(LATENCY_HGRM), r.corrected(), LoadRecorder.UNIT,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    HgrmWriter.write(newFile(SERVICE_HGRM), r.uncorrected(), LoadRecorder.UNIT,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    writeString(TIMELINE, timeline(r, poolSeconds));
    writeString(SUMMARY, json(summary(r, configuration, extra)));
  }

  private void writeLog(String name, String comment, Instant start, LoadResult r, boolean corrected) {
    try (HlogWriter log = HlogWriter.open(newFile(name), start, comment, LoadRecorder.UNIT)) {
      for (IntervalSample s : r.intervals()) {
        log.append(corrected ? s.corrected() : s.uncorrected());
      }
    }
  }

  /** The summary as an ordered map: the verdict and the figures first, then the configuration. */
  static Map<String, Object> summary(LoadResult r, Map<String, Object> configuration, Map<String, Object> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tool", "grpcpool load");
    m.put("startTime", Instant.ofEpochMilli(r.startEpochMillis()).toString());
    m.put("mode", r.spec().mode() == LoadSpec.Mode.OPEN_LOOP ? "open-loop" : "closed-loop");
    List<FindingJson> findings = new ArrayList<>();
    for (RunVerdict.Finding f : r.verdict().findings()) {
      findings.add(new FindingJson(f.problem().name(), f.problem().exitCode(), f.problem().headline(), f.detail()));
    }
    m.put("verdict", new VerdictJson(r.verdict().outcome(), r.verdict().exitCode(), findings));
    m.put("interrupted", r.interrupted());
    m.put("warmup", r.warmup());
    m.put("measuredSeconds", LatencySummary.round(r.measuredNanos() / 1e9));
    m.put("achievedRate", rate(r.okRate()));
    m.put("achievedRateUnit", "ok calls/s");
    m.put("sentRate", rate(r.sentRate()));
    m.put("failedRate", rate(r.failedRate()));
    m.put("intended", r.intended());
    m.put("sent", r.sent());
    m.put("ok", r.ok());
    m.put("failed", r.failed());
    m.put("unfinished", r.unfinished());
    m.put("missed", r.missed());
    m.put("missedByGenerator", r.missedByGenerator());
    m.put("failedByStatus", r.failedByStatus());
    m.put("sends", new SendsJson(r.spec().lateThreshold().toNanos() / 1000, r.late(), r.lateWaitingForSlot(),
        r.generatorBehind(), LoadRecorder.GENERATOR_LAG_BOUND_NANOS / 1_000_000,
        LatencySummary.round(r.maxLagNanos() / 1e6),
        Double.isNaN(r.lag().sendCeiling()) ? null : Math.round(r.lag().sendCeiling())));
    m.put("inFlightAtStart", r.backlog().atStart());
    m.put("inFlightAtEnd", r.backlog().atEnd());
    String note = r.ok() == 0 ? "no call succeeded: no percentiles" : (r.spec().mode() == LoadSpec.Mode.OPEN_LOOP
        ? "corrected: from each call's intended start (coordinated omission corrected);"
            + " uncorrected: from its actual send (service time)"
        : "closed loop: no schedule, both views are service time")
        + "; every call that ended, ok or failed";
    m.put("latency", r.ok() > 0
        ? new LatencyJson("ms", LatencySummary.of(r.corrected()), LatencySummary.of(r.uncorrected()), note)
        : new LatencyJson("ms", null, null, note));
    m.put("backends", groups(r.backends()));
    m.put("channels", groups(r.channels()));
    if (r.spec().startAt() != null) {
      // Offsets of the backends' clocks against this generator's, for report --merge; empty when unknown.
      m.put("clocks", r.clocks());
    }
    m.putAll(extra);
    m.put("configuration", configuration);
    m.put("files", FILES);
    return m;
  }

  private static double rate(double perSecond) {
    return Math.round(perSecond * 10) / 10.0;
  }

  private static List<GroupJson> groups(Map<String, GroupStats> groups) {
    List<GroupJson> out = new ArrayList<>();
    for (GroupStats g : groups.values()) {
      out.add(new GroupJson(g.name(), g.sent(), g.ok(), g.failed(), g.unfinished(),
          LatencySummary.orNull(g.p50Millis()), LatencySummary.orNull(g.p99Millis())));
    }
    return out;
  }

  // The parts of summary.json, field by field in the order written; null is written as JSON's null.

  /** The run's verdict: its outcome, exit code and every finding, worst first. */
  record VerdictJson(String outcome, int exitCode, List<FindingJson> findings) {}

  /** One problem the verdict found. */
  record FindingJson(String problem, int exitCode, String headline, String detail) {}

  /** How the sends kept to the schedule; {@code sendCeiling} is null when none was measured. */
  record SendsJson(long lateThresholdMicros, long late, long lateWaitingForSlot, long generatorBehind,
      long generatorLagBoundMillis, double maxLagMillis, Long sendCeiling) {}

  /** Latency in milliseconds; no figures (left out, not null) when no call succeeded. */
  record LatencyJson(String unit, @JsonInclude(JsonInclude.Include.NON_NULL) LatencySummary corrected,
      @JsonInclude(JsonInclude.Include.NON_NULL) LatencySummary uncorrected, String note) {}

  /** One backend's or channel's calls and latency (milliseconds; null when none ended ok); read back by reports. */
  public record GroupJson(String name, long sent, long ok, long failed, long unfinished, Double p50, Double p99) {}

  /** The run folder's files, by what they hold. */
  record FilesJson(String intervalLog, String serviceTimeIntervalLog, String percentiles,
      String serviceTimePercentiles, String timeline, String hlogValueUnit) {}

  private static final FilesJson FILES =
      new FilesJson(LATENCY_HLOG, SERVICE_HLOG, LATENCY_HGRM, SERVICE_HGRM, TIMELINE, "microseconds");

  /**
   * One row per second of <em>intended</em> start: sent, ok, failed, unfinished, the corrected p50 / p99 / max of
   * the calls meant to start in that second, and failures by status (one column per code seen); then, labelled
   * {@code completed_*}, the same second by completion (what the interval logs hold); with a pool's seconds, last,
   * its size, the size it aimed for, its calls in flight and the calls that waited for a stream in that second and
   * how long, all read as the second closed. New columns only ever go at the end, so readers that find columns by
   * position keep working. Empty cells: no value.
   */
  static String timeline(LoadResult r) {
    return timeline(r, List.of());
  }

  static String timeline(LoadResult r, List<PoolTimeline.Second> pool) {
    java.util.TreeSet<String> codes = new java.util.TreeSet<>();
    for (IntendedTimeline.Row row : r.timeline()) {
      codes.addAll(row.failedByStatus().keySet());
    }
    StringBuilder sb = new StringBuilder("second,sent,ok,failed,unfinished,p50_ms,p99_ms,max_ms");
    for (String code : codes) {
      sb.append(",failed_").append(code);
    }
    sb.append(",completed_ok,completed_failed,completed_p99_ms,completed_service_p99_ms");
    sb.append(pool.isEmpty() ? "\n" : ",pool_size,pool_target,pool_in_flight,queued_calls,queued_ms\n");
    Map<Integer, PoolTimeline.Second> bySecond = new java.util.HashMap<>();
    pool.forEach(p -> bySecond.put(p.second(), p));
    List<IntervalSample> completed = r.intervals();
    int rows = Math.max(r.timeline().size(), completed.size());
    for (int i = 0; i < rows; i++) {
      sb.append(i);
      if (i < r.timeline().size()) {
        IntendedTimeline.Row row = r.timeline().get(i);
        sb.append(',').append(row.sent()).append(',').append(row.ok()).append(',').append(row.failed()).append(',')
            .append(row.unfinished()).append(',').append(fmt(row.p50Millis())).append(',')
            .append(fmt(row.p99Millis())).append(',').append(fmt(row.maxMillis()));
        for (String code : codes) {
          sb.append(',').append(row.failedByStatus().getOrDefault(code, 0L));
        }
      } else {
        sb.append(",".repeat(8 + codes.size() - 1));
      }
      if (i < completed.size()) {
        IntervalSample s = completed.get(i);
        sb.append(',').append(s.ok()).append(',').append(s.failed()).append(',')
            .append(fmt(s.correctedMillis(99))).append(',').append(fmt(LoadRecorder.millis(s.uncorrected(), 99)));
      } else {
        sb.append(",,,,");
      }
      PoolTimeline.Second p = bySecond.get(i);
      if (p != null) {
        sb.append(',').append(p.size()).append(',').append(p.target()).append(',').append(p.inFlight()).append(',')
            .append(p.queuedCalls()).append(',').append(fmt(p.queuedMillis()));
      } else if (!pool.isEmpty()) {
        sb.append(",,,,,");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String fmt(double d) {
    return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.3f", d);
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
