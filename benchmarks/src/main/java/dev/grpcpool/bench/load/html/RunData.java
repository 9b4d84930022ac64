package dev.grpcpool.bench.load.html;

import dev.grpcpool.bench.load.FaultInjector;
import dev.grpcpool.bench.load.RunOutput;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * What a report shows of one load run, or of several merged: the latency histograms per second keyed by wall-clock
 * second (corrected and service time), their totals, errors per second, the pool's size and queued calls per second
 * (runs with a pool), the runs' summaries, and the start of the measurement, which is t = 0 of the run's timeline
 * (so runs side by side line up at their own starts).
 *
 * <p>{@link #merge} adds up runs that drove one target at the same time: histograms and counts of the same
 * wall-clock second are summed. It refuses runs that never ran at the same time, and generators of a split load
 * that do not belong together ({@link GeneratorSet}); it records the seconds in which none of them was measuring
 * ({@link #gaps}). Not thread-safe; built once and read.
 */
public final class RunData {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final String name;
  private final List<RunSummary> sources = new ArrayList<>();
  private final TreeMap<Long, Histogram> corrected = new TreeMap<>();
  private final TreeMap<Long, Histogram> service = new TreeMap<>();
  private final TreeMap<Long, Long> errors = new TreeMap<>();
  /** Channels of the run's pool, and calls that waited for a stream, per wall-clock second; empty without. */
  private final TreeMap<Long, Long> poolSize = new TreeMap<>();
  private final TreeMap<Long, Long> queued = new TreeMap<>();
  private final Histogram correctedTotal = new Histogram(3);
  private final Histogram serviceTotal = new Histogram(3);
  private final List<String> notes = new ArrayList<>();
  private final List<String> about = new ArrayList<>();
  private final List<Gap> gaps = new ArrayList<>();
  private long startMillis = Long.MAX_VALUE;

  private RunData(String name) {
    this.name = name;
  }

  /**
   * Reads a run folder written by {@code grpcpool load}: {@code summary.json} and {@code latency.hlog} are needed,
   * {@code service-time.hlog} and {@code timeline.csv} are read when present.
   *
   * @throws IllegalArgumentException in one line naming the folder or file, if a needed file is missing or cannot
   *     be read (truncated, not what a load run writes)
   */
  public static RunData read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a run folder (not a directory)");
    }
    for (String needed : List.of(RunOutput.LATENCY_HLOG, RunOutput.SUMMARY)) {
      if (!Files.isRegularFile(dir.resolve(needed))) {
        throw new IllegalArgumentException(dir + " is not a load run folder: no " + needed);
      }
    }
    String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
    RunData d = new RunData(name);
    RunSummary summary = RunSummary.read(name, dir.resolve(RunOutput.SUMMARY));
    d.sources.add(summary);
    d.startMillis = summary.start().toEpochMilli();
    readLog(dir.resolve(RunOutput.LATENCY_HLOG), d.corrected, d.correctedTotal);
    if (d.corrected.isEmpty()) {
      throw new IllegalArgumentException(dir.resolve(RunOutput.LATENCY_HLOG) + " holds no interval (truncated?)");
    }
    Path serviceLog = dir.resolve(RunOutput.SERVICE_HLOG);
    if (Files.exists(serviceLog)) {
      readLog(serviceLog, d.service, d.serviceTotal);
    }
    if (summary.interrupted()) {
      d.notes.add(name + " was interrupted: partial results");
    }
    Path timeline = dir.resolve(RunOutput.TIMELINE);
    if (Files.exists(timeline)) {
      readTimeline(timeline, d.corrected.firstKey(), d);
    }
    return d;
  }

  private static void readLog(Path file, Map<Long, Histogram> bySecond, Histogram total) {
    try {
      HistogramLogReader reader = new HistogramLogReader(file.toFile());
      for (EncodableHistogram e = reader.nextIntervalHistogram(); e != null; e = reader.nextIntervalHistogram()) {
        if (!(e instanceof Histogram)) {
          continue;
        }
        Histogram h = (Histogram) e;
        bySecond.merge(second(h.getStartTimeStamp()), h, RunData::sum);
        total.add(h);
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("cannot read " + file);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** The wall-clock second an interval starting at {@code epochMillis} is filed under. */
  private static long second(long epochMillis) {
    return Math.floorDiv(epochMillis + 500, 1000);
  }

  /**
   * From the timeline, by the column names (older files lack the later columns): failed calls per second of
   * completion, the view the interval logs hold (older files: by intended start), and the pool's size and calls
   * that waited for a stream (files of runs with a pool).
   */
  private static void readTimeline(Path timeline, long firstSecond, RunData d) {
    try {
      List<String> lines = Files.readAllLines(timeline, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return;
      }
      List<String> header = Arrays.asList(lines.get(0).split(",", -1));
      int failed = header.indexOf("completed_failed") >= 0 ? header.indexOf("completed_failed")
          : header.indexOf("failed");
      int size = header.indexOf("pool_size");
      int waited = header.indexOf("queued_calls");
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        long second = firstSecond + Long.parseLong(f[0]);
        addCell(f, failed, second, d.errors);
        addCell(f, size, second, d.poolSize);
        addCell(f, waited, second, d.queued);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + timeline + ": " + e.getMessage());
    }
  }

  private static void addCell(String[] fields, int column, long second, Map<Long, Long> into) {
    if (column >= 0 && fields.length > column && !fields[column].isEmpty()) {
      into.merge(second, Long.parseLong(fields[column]), Long::sum);
    }
  }

  /**
   * Adds up runs that drove one target at the same time, second by wall-clock second.
   *
   * @throws IllegalArgumentException if a run's measurement overlapped none of the others' (adding up runs that
   *     followed each other would draw one run across a gap and double no load)
   */
  public static RunData merge(List<RunData> runs) {
    List<String> generators = GeneratorSet.describe(runs.stream().flatMap(r -> r.sources.stream()).toList());
    if (runs.size() > 1) {
      for (RunData r : runs) {
        boolean overlaps = runs.stream().anyMatch(o -> o != r
            && Math.max(o.firstSecond(), r.firstSecond()) <= Math.min(o.lastSecond(), r.lastSecond()));
        if (!overlaps) {
          List<String> windows = new ArrayList<>();
          for (RunData o : runs) {
            windows.add(o.name + " " + clock(o.firstSecond()) + "-" + clock(o.lastSecond() + 1));
          }
          throw new IllegalArgumentException("--merge adds up runs measured at the same time, but " + r.name
              + " overlapped no other run (UTC: " + String.join(", ", windows) + "); leave out --merge to show "
              + "them side by side");
        }
      }
    }
    RunData m = new RunData("merged (" + runs.size() + " runs)");
    for (RunData r : runs) {
      r.corrected.forEach((s, h) -> m.corrected.merge(s, h.copy(), RunData::sum));
      r.service.forEach((s, h) -> m.service.merge(s, h.copy(), RunData::sum));
      r.errors.forEach((s, n) -> m.errors.merge(s, n, Long::sum));
      // Generators' pools add up: the channels and the waits of every generator in that second.
      r.poolSize.forEach((s, n) -> m.poolSize.merge(s, n, Long::sum));
      r.queued.forEach((s, n) -> m.queued.merge(s, n, Long::sum));
      m.correctedTotal.add(r.correctedTotal);
      m.serviceTotal.add(r.serviceTotal);
      m.sources.addAll(r.sources);
      m.startMillis = Math.min(m.startMillis, r.startMillis);
      m.notes.addAll(r.notes);
    }
    if (!generators.isEmpty()) {
      m.about.add(generators.get(0));
      m.notes.addAll(generators.subList(1, generators.size()));
    }
    long gapFrom = -1;
    for (long s = m.firstSecond(); s <= m.lastSecond() + 1; s++) {
      boolean missing = s <= m.lastSecond() && !m.corrected.containsKey(s);
      if (missing && gapFrom < 0) {
        gapFrom = s;
      } else if (!missing && gapFrom >= 0) {
        m.gaps.add(new Gap(gapFrom - m.startSecond(), s - 1 - m.startSecond()));
        gapFrom = -1;
      }
    }
    return m;
  }

  private static String clock(long epochSecond) {
    return CLOCK.format(Instant.ofEpochSecond(epochSecond));
  }

  private static Histogram sum(Histogram a, Histogram b) {
    a.add(b);
    return a;
  }

  /**
   * The per-second series, one entry per second from t = 0 (the start of the measurement) to the last second
   * measured; NaN where there is no value (a second nobody measured, or latency of a second with no call).
   */
  public Timeline timeline() {
    long first = startSecond();
    int n = (int) (lastSecond() - first + 1);
    Timeline t = new Timeline(new double[n], new double[n], new double[n], new double[n], new double[n],
        new double[n], new double[n]);
    for (int i = 0; i < n; i++) {
      Histogram h = corrected.get(first + i);
      t.second()[i] = i;
      boolean any = h != null && h.getTotalCount() > 0;
      t.calls()[i] = h == null ? Double.NaN : h.getTotalCount();
      t.errors()[i] = h == null ? Double.NaN : errors.getOrDefault(first + i, 0L);
      t.p50()[i] = any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN;
      t.p99()[i] = any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN;
      Long size = poolSize.get(first + i);
      t.poolSize()[i] = size == null ? Double.NaN : size;
      Long waited = queued.get(first + i);
      t.queuedCalls()[i] = waited == null ? Double.NaN : waited;
    }
    return t;
  }

  /** Applied faults, at their seconds from t = 0; labelled with the run's name when runs were merged. */
  public List<Event> faults() {
    List<Event> out = new ArrayList<>();
    for (RunSummary s : sources) {
      for (FaultInjector.AppliedFault f : s.faults()) {
        double at = (s.start().toEpochMilli() + f.appliedMillis() - startMillis) / 1000.0;
        String label = (sources.size() > 1 ? s.name() + " " : "") + f.fault()
            + (f.error() == null ? "" : " (failed)");
        out.add(new Event(at, label));
      }
    }
    return out;
  }

  /** The wall-clock second of t = 0. */
  public long startSecond() {
    return second(startMillis);
  }

  private long firstSecond() {
    return corrected.firstKey();
  }

  private long lastSecond() {
    return corrected.lastKey();
  }

  public String name() {
    return name;
  }

  /** The summaries of the runs shown: one, or each merged run's. */
  public List<RunSummary> sources() {
    return sources;
  }

  /** Seconds inside a merged timeline in which no run was measuring; empty for one run. */
  public List<Gap> gaps() {
    return gaps;
  }

  /** Corrected latency (microseconds) per wall-clock second (epoch seconds). */
  public TreeMap<Long, Histogram> corrected() {
    return corrected;
  }

  /** Service time (microseconds) per wall-clock second; empty when the run wrote no service-time log. */
  public TreeMap<Long, Histogram> service() {
    return service;
  }

  public Histogram correctedTotal() {
    return correctedTotal;
  }

  public Histogram serviceTotal() {
    return serviceTotal;
  }

  public long sent() {
    return sources.stream().mapToLong(RunSummary::sent).sum();
  }

  public long ok() {
    return sources.stream().mapToLong(RunSummary::ok).sum();
  }

  public long errorCount() {
    return sources.stream().mapToLong(RunSummary::failed).sum();
  }

  /** Ok calls per second; merged runs ran at the same time, so their rates add up. */
  public double achievedRate() {
    return sources.stream().mapToDouble(RunSummary::achievedRate).sum();
  }

  /** Problems to warn of: interrupted runs, generators missing from a split load. */
  public List<String> notes() {
    return notes;
  }

  /** Facts about merged runs that are not problems: which generators of a split load, their starts and clocks. */
  public List<String> about() {
    return about;
  }

  /**
   * Per-second series from t = 0; the arrays belong to the caller.
   *
   * @param second seconds from the start of the measurement (0, 1, 2 ...)
   * @param calls calls that ended in that second
   * @param errors calls that failed in that second
   * @param p50 corrected p50 in milliseconds
   * @param p99 corrected p99 in milliseconds
   * @param poolSize channels in the run's pool at the end of that second (NaN: no pool, or not recorded)
   * @param queuedCalls calls that waited for a stream on their connection in that second (NaN likewise)
   */
  public record Timeline(double[] second, double[] calls, double[] errors, double[] p50, double[] p99,
      double[] poolSize, double[] queuedCalls) {

    /** Whether the run recorded its pool's size (runs before it did, and single channels, did not). */
    public boolean hasPool() {
      for (double s : poolSize) {
        if (!Double.isNaN(s)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Seconds (from t = 0, both included) in which a merged timeline has no data.
   *
   * @param from first second without data
   * @param to last second without data
   */
  public record Gap(long from, long to) {
    public long seconds() {
      return to - from + 1;
    }
  }

  /** Something that happened during a run (a fault) at {@code second} from t = 0. */
  public record Event(double second, String label) {}
}
