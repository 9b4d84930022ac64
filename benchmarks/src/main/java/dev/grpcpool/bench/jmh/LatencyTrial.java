package dev.grpcpool.bench.jmh;

import dev.grpcpool.bench.latency.LatencyRecorder;
import dev.grpcpool.bench.results.HgrmWriter;
import dev.grpcpool.bench.results.HlogWriter;
import dev.grpcpool.bench.results.RunFolder;
import dev.grpcpool.bench.results.LatencyTable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The latency record of one JMH trial (one benchmark method with one parameter set in one fork): every call's
 * latency goes into a {@link LatencyRecorder}; each measurement iteration becomes one interval of the trial's
 * {@code .hlog}; the end of the trial writes the {@code .hgrm} and a row of {@code latency.md} in the run's
 * folder ({@link JmhRun}).
 *
 * <p>Warm-up iterations are recorded and then discarded, so the files hold exactly the measured iterations.
 * The last measured interval is handed to {@link dev.grpcpool.bench.LatencyProfiler}, which puts its percentiles into JMH's result.
 *
 * <p>Usage from a {@code @State}: {@link #start} in {@code @Setup(Level.Trial)}, {@link #iterationStarting} in
 * {@code @Setup(Level.Iteration)}, {@link #iterationFinished} in {@code @TearDown(Level.Iteration)} after the
 * calls of the iteration have completed, {@link #finish} in {@code @TearDown(Level.Trial)}.
 *
 * <p>Recording is thread-safe; the lifecycle methods are called by JMH from one thread at a time.
 */
public final class LatencyTrial {

  /** The measured interval the profiler has not yet taken; one trial runs at a time in a JVM. */
  private static final AtomicReference<LatencyRecorder.Interval> LAST_MEASURED = new AtomicReference<>();

  private final LatencyRecorder recorder = new LatencyRecorder();
  private final Histogram total = LatencyRecorder.newHistogram();
  private final RunFolder folder;
  private final String caseName;
  private final String detail;
  private final String preamble;
  private final Path hlogFile;
  private final HlogWriter hlog;
  private long failures;
  private boolean finished;

  private LatencyTrial(
      RunFolder folder, String caseName, String detail, String preamble, Path hlogFile, HlogWriter hlog) {
    this.folder = folder;
    this.caseName = caseName;
    this.detail = detail;
    this.preamble = preamble;
    this.hlogFile = hlogFile;
    this.hlog = hlog;
  }

  /**
   * Opens the trial's {@code .hlog} in the run folder.
   *
   * @param howMeasured what one recorded value is, for the log's header
   * @param detail what the parameters came to, e.g. {@code "6 channels"}; shown in the log and the summary
   */
  public static LatencyTrial start(BenchmarkParams params, String howMeasured, String detail) {
    RunFolder folder = JmhRun.folder(params);
    String caseName = caseName(params);
    Path file = folder.newFile(caseName + ".hlog");
    String comment = params.getBenchmark() + " " + paramsText(params) + " (" + detail + ")\n" + howMeasured + "\n"
        + "One interval per JMH measurement iteration; warm-up excluded; failed calls are not recorded.";
    HlogWriter log = HlogWriter.open(file, Instant.now(), comment, LatencyRecorder.UNIT);
    LAST_MEASURED.set(null);
    return new LatencyTrial(folder, caseName, detail, preamble(params), file, log);
  }

  public LatencyRecorder recorder() {
    return recorder;
  }

  /** Starts an iteration: whatever was recorded between iterations is dropped. */
  public void iterationStarting() {
    recorder.takeInterval();
  }

  /** Ends an iteration; a measurement iteration is logged and counted, a warm-up one discarded. */
  public void iterationFinished(IterationParams iteration) {
    LatencyRecorder.Interval interval = recorder.takeInterval();
    if (iteration.getType() != IterationType.MEASUREMENT) {
      return;
    }
    hlog.append(interval.latencies());
    total.add(interval.latencies());
    failures += interval.failures();
    LAST_MEASURED.set(interval);
  }

  /** Closes the log and writes the {@code .hgrm} and the summary row. Idempotent. */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    hlog.close();
    Path hgrm = folder.newFile(caseName + ".hgrm");
    HgrmWriter.write(hgrm, total, LatencyRecorder.UNIT, TimeUnit.MICROSECONDS);
    LatencyTable.appendRow(folder, preamble, caseName + " (" + detail + ")", failures, total, LatencyRecorder.UNIT,
        hlogFile.getFileName() + " / " + hgrm.getFileName());
  }

  /** The last measured interval not yet taken, or {@code null}; read by {@link dev.grpcpool.bench.LatencyProfiler}. */
  public static LatencyRecorder.Interval takeLastMeasured() {
    return LAST_MEASURED.getAndSet(null);
  }

  /** {@code StrategyBenchmark.unary-fault_STOPPED-strategy_ROUND_ROBIN}: class, method, parameters. */
  public static String caseName(BenchmarkParams params) {
    String benchmark = params.getBenchmark();
    int cls = benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1);
    StringBuilder name = new StringBuilder(benchmark.substring(cls + 1));
    for (String key : params.getParamsKeys()) {
      name.append('-').append(key).append('_').append(params.getParam(key));
    }
    if (params.getThreads() > 1) {
      name.append("-threads_").append(params.getThreads());
    }
    return RunFolder.safeName(name.toString());
  }

  private static String paramsText(BenchmarkParams params) {
    StringBuilder text = new StringBuilder();
    for (String key : params.getParamsKeys()) {
      text.append(text.length() == 0 ? "" : " ").append(key).append('=').append(params.getParam(key));
    }
    return text.append(" threads=").append(params.getThreads()).toString();
  }

  private static String preamble(BenchmarkParams params) {
    Runtime rt = Runtime.getRuntime();
    return "# JMH latency summary\n\n"
        + String.format(Locale.ROOT,
            "Machine: %d cores, %s %s; JVM %s %s. JMH %s, forks %d, warm-up %d × %s, measurement %d × %s.%n",
            rt.availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
            System.getProperty("java.vm.name"), System.getProperty("java.version"), params.getJmhVersion(),
            params.getForks(), params.getWarmup().getCount(), params.getWarmup().getTime(),
            params.getMeasurement().getCount(), params.getMeasurement().getTime())
        + "\nEach row is one benchmark and parameter set in one fork: every call's latency from the moment it was"
        + " sent to its response (closed loop: a new call is sent when one completes, so the figures are not"
        + " corrected for coordinated omission), measurement iterations only. Failed calls are counted, not"
        + " recorded as latencies. Details per row: the .hlog (interval log, nanoseconds) and the .hgrm"
        + " (percentile distribution, microseconds). JMH's own scores are in its console output or -rf json file.";
  }
}
