package dev.grpcpool.bench.load.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.load.RunOutput;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * What a report shows of one load run, or of several merged: the latency histograms per second keyed by wall-clock
 * second (corrected and service time), their totals, errors per second, and the counts of the summary.
 *
 * <p>{@link #merge} adds up runs that drove one target at the same time: histograms and counts of the same
 * wall-clock second are summed. Not thread-safe; built once and read.
 */
public final class RunData {
  private final String name;
  private final TreeMap<Long, Histogram> corrected = new TreeMap<>();
  private final TreeMap<Long, Histogram> service = new TreeMap<>();
  private final TreeMap<Long, Long> errors = new TreeMap<>();
  private final Histogram correctedTotal = new Histogram(3);
  private final Histogram serviceTotal = new Histogram(3);
  private long sent;
  private long ok;
  private long errorCount;
  private double achievedRate;
  private final List<String> notes = new ArrayList<>();

  private RunData(String name) {
    this.name = name;
  }

  /**
   * Reads a run folder written by {@code grpcpool load}.
   *
   * @throws IllegalArgumentException if the folder has no readable {@code latency.hlog}
   */
  public static RunData read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a run folder (not a directory)");
    }
    RunData d = new RunData(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString());
    readLog(dir.resolve(RunOutput.LATENCY_HLOG), d.corrected, d.correctedTotal, true);
    Path serviceLog = dir.resolve(RunOutput.SERVICE_HLOG);
    if (Files.exists(serviceLog)) {
      readLog(serviceLog, d.service, d.serviceTotal, false);
    }
    Path summary = dir.resolve(RunOutput.SUMMARY);
    long startEpochMillis = d.corrected.isEmpty() ? 0 : d.corrected.firstKey() * 1000;
    if (Files.exists(summary)) {
      try {
        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        d.sent = s.path("sent").asLong();
        d.ok = s.path("ok").asLong();
        // "failed" since the counts were made to add up; "errors" in earlier runs.
        d.errorCount = s.has("failed") ? s.path("failed").asLong() : s.path("errors").asLong();
        d.achievedRate = s.path("achievedRate").asDouble();
        if (s.path("interrupted").asBoolean()) {
          d.notes.add(d.name + " was interrupted: partial results");
        }
        String mode = s.path("mode").asText();
        d.notes.add(d.name + ": " + mode + ", " + s.at("/configuration/target").asText());
      } catch (IOException e) {
        // Jackson's full message adds a second line with the source location; the CLI promises one line.
        String why = e instanceof JsonProcessingException
            ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
        throw new IllegalArgumentException("cannot read " + summary + ": " + why);
      }
    } else {
      d.sent = d.correctedTotal.getTotalCount();
      d.notes.add(d.name + " has no summary.json: counts are from the interval log");
    }
    Path timeline = dir.resolve(RunOutput.TIMELINE);
    if (Files.exists(timeline) && !d.corrected.isEmpty()) {
      readErrors(timeline, d.corrected.firstKey(), d.errors);
    }
    return d;
  }

  private static void readLog(Path file, Map<Long, Histogram> bySecond, Histogram total, boolean required) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(file.getParent() + " is not a load run folder: no " + file.getFileName());
    }
    try {
      HistogramLogReader reader = new HistogramLogReader(file.toFile());
      for (EncodableHistogram e = reader.nextIntervalHistogram(); e != null; e = reader.nextIntervalHistogram()) {
        if (!(e instanceof Histogram)) {
          continue;
        }
        Histogram h = (Histogram) e;
        long second = Math.floorDiv(h.getStartTimeStamp() + 500, 1000);
        bySecond.merge(second, h, (a, b) -> {
          a.add(b);
          return a;
        });
        total.add(h);
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("cannot read " + file);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void readErrors(Path timeline, long firstSecond, Map<Long, Long> errors) {
    try {
      List<String> lines = Files.readAllLines(timeline, StandardCharsets.UTF_8);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        if (f.length >= 4) {
          errors.merge(firstSecond + Long.parseLong(f[0]), Long.parseLong(f[3]), Long::sum);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + timeline + ": " + e.getMessage());
    }
  }

  /** Adds up runs that drove one target at the same time, second by wall-clock second. */
  public static RunData merge(List<RunData> runs) {
    RunData m = new RunData("merged (" + runs.size() + " runs)");
    for (RunData r : runs) {
      r.corrected.forEach((s, h) -> m.corrected.merge(s, h.copy(), RunData::sum));
      r.service.forEach((s, h) -> m.service.merge(s, h.copy(), RunData::sum));
      r.errors.forEach((s, n) -> m.errors.merge(s, n, Long::sum));
      m.correctedTotal.add(r.correctedTotal);
      m.serviceTotal.add(r.serviceTotal);
      m.sent += r.sent;
      m.ok += r.ok;
      m.errorCount += r.errorCount;
      // Runs side by side add their rates; a merge is meant for runs that overlapped in time.
      m.achievedRate += r.achievedRate;
      m.notes.addAll(r.notes);
    }
    return m;
  }

  private static Histogram sum(Histogram a, Histogram b) {
    a.add(b);
    return a;
  }

  public String name() {
    return name;
  }

  /** Corrected latency (microseconds) per wall-clock second (epoch seconds). */
  public TreeMap<Long, Histogram> corrected() {
    return corrected;
  }

  /** Service time (microseconds) per wall-clock second; empty when the run wrote no service-time log. */
  public TreeMap<Long, Histogram> service() {
    return service;
  }

  public TreeMap<Long, Long> errors() {
    return errors;
  }

  public Histogram correctedTotal() {
    return correctedTotal;
  }

  public Histogram serviceTotal() {
    return serviceTotal;
  }

  public long sent() {
    return sent;
  }

  public long ok() {
    return ok;
  }

  public long errorCount() {
    return errorCount;
  }

  public double achievedRate() {
    return achievedRate;
  }

  public List<String> notes() {
    return notes;
  }
}
