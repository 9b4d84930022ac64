package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.LatencyProfiler;
import dev.grpcpool.bench.ReferenceBenchmark;
import dev.grpcpool.bench.compare.Environment;
import dev.grpcpool.bench.jmh.JmhRun;
import dev.grpcpool.bench.jmh.ResultsSummary;
import dev.grpcpool.bench.results.LatencyTable;
import dev.grpcpool.bench.results.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Defaults;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The entry point of {@code java -jar benchmarks.jar}: JMH with this project's defaults. It takes every JMH
 * option ({@code -h} lists them) and adds:
 * <ul>
 *   <li>a run folder, {@code results/<yyyyMMdd-HHmmss>-jmh/}, made before the first fork (which joins it, see
 *       {@link JmhRun}), holding JMH's JSON ({@value #JSON}, unless {@code -rff} names another file), the
 *       machine's description ({@code env.json}), the narrow {@value ResultsSummary#FILE_NAME}, JMH's own
 *       table ({@value #JMH_TABLE}) and the latency reports of the closed-loop suites, so that
 *       {@code grpcpool compare} and {@code grpcpool baseline save} take the folder as it is;</li>
 *   <li>the latency profiler ({@link LatencyProfiler}) when no {@code -prof} is given, so the JSON carries
 *       p50 / p99 / p99.9 next to throughput;</li>
 *   <li>without benchmark patterns, every suite but the CI gate's helpers ({@link #CI_ONLY}); name one to run
 *       it;</li>
 *   <li>at the end, instead of JMH's table (up to 260 columns wide), the results folder and the summary.</li>
 * </ul>
 * Bad options are one line naming the problem and exit code 2, as in the {@code grpcpool} command line.
 *
 * <p>Not thread-safe; one run per process.
 */
public final class BenchmarksMain {

  /** Benchmarks that only the CI gate needs; left out of a run that names no benchmark. */
  public static final List<Class<?>> CI_ONLY = List.of(ReferenceBenchmark.class);
  /** JMH's JSON in the run folder. */
  public static final String JSON = "jmh-result.json";
  /** JMH's own result table in the run folder. */
  public static final String JMH_TABLE = "jmh-table.txt";

  private static final int EXIT_FAILED = 1;
  private static final int EXIT_USAGE = 2;

  private BenchmarksMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs JMH with {@code args} as described in the class comment; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLineOptions cmd;
    try {
      cmd = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      return usage(err, e.getMessage());
    }
    try {
      if (cmd.shouldHelp()) {
        cmd.showHelp();
        return 0;
      }
      if (cmd.shouldList() || cmd.shouldListWithParams()) {
        Runner lister = new Runner(defaults(cmd, null));
        if (cmd.shouldList()) {
          lister.list();
        } else {
          lister.listWithParams(cmd);
        }
        return 0;
      }
      if (cmd.shouldListProfilers()) {
        cmd.listProfilers();
        return 0;
      }
      if (cmd.shouldListResultFormats()) {
        cmd.listResultFormats();
        return 0;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    RunFolder folder;
    try {
      folder = JmhRun.hostFolder();
    } catch (UncheckedIOException | IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    Options options = defaults(cmd, folder.path());
    SummaryAtEnd format = new SummaryAtEnd(
        OutputFormatFactory.createFormatInstance(out, options.verbosity().orElse(Defaults.VERBOSITY)));
    AtomicBoolean reported = new AtomicBoolean();
    // SIGTERM or Ctrl-C: JMH's own hook stops the fork; this one keeps what finished before it.
    Thread onStop = new Thread(() -> {
      if (reported.compareAndSet(false, true)) {
        writePartial(folder.path(), options, format.finished(), out);
      }
    }, "benchmarks-interrupted");
    Runtime.getRuntime().addShutdownHook(onStop);
    Collection<RunResult> results;
    try {
      Environment.current().write(folder.path());
      results = new Runner(options, format).run();
    } catch (NoBenchmarksException e) {
      discard(folder.path());
      return usage(err, "no benchmark matches " + cmd.getIncludes() + " (java -jar benchmarks.jar -l lists them)");
    } catch (RunnerException e) {
      err.println("benchmarks: the run failed: " + rootMessage(e));
      err.println("Partial results, if any: " + folder.path().toAbsolutePath());
      return EXIT_FAILED;
    } catch (IOException e) {
      err.println("benchmarks: cannot write into " + folder.path().toAbsolutePath() + ": " + e.getMessage());
      return EXIT_FAILED;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onStop);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it writes what finished.
      }
    }
    if (!reported.compareAndSet(false, true)) {
      return EXIT_FAILED;
    }
    writeReports(folder.path(), options, results, out);
    return results.isEmpty() ? EXIT_FAILED : 0;
  }

  /**
   * A run stopped part-way: the benchmarks that finished go to JMH's JSON and the summary (each with its forks'
   * iterations pooled as one, as JMH hands them over), so the folder still holds what was measured.
   */
  private static void writePartial(Path dir, Options options, List<RunResult> finished, PrintStream out) {
    out.println();
    out.println("benchmarks: interrupted after " + finished.size() + " finished benchmark"
        + (finished.size() == 1 ? "" : "s") + "; keeping them");
    if (!finished.isEmpty()) {
      try {
        ResultFormatFactory.getInstance(options.getResultFormat().orElse(ResultFormatType.JSON),
            options.getResult().orElse(dir.resolve(JSON).toString())).writeOut(finished);
      } catch (RuntimeException e) {
        out.println("benchmarks: cannot write the results into " + dir.toAbsolutePath() + ": " + e.getMessage());
      }
    }
    writeReports(dir, options, finished, out);
    out.flush();
  }

  /** The user's options with this project's defaults where the user gave none; {@code dir} null to list only. */
  static Options defaults(CommandLineOptions cmd, Path dir) {
    OptionsBuilder b = new OptionsBuilder();
    b.parent(cmd);
    if (cmd.getIncludes().isEmpty()) {
      b.include(".*");
      for (Class<?> c : CI_ONLY) {
        b.exclude("^" + Pattern.quote(c.getName() + "."));
      }
    }
    if (dir != null) {
      if (cmd.getProfilers().isEmpty()) {
        b.addProfiler(LatencyProfiler.class);
      }
      if (!cmd.getResult().hasValue()) {
        ResultFormatType type = cmd.getResultFormat().orElse(ResultFormatType.JSON);
        b.resultFormat(type);
        b.result(dir.resolve(type == ResultFormatType.JSON ? JSON
            : "jmh-result." + type.name().toLowerCase(Locale.ROOT)).toString());
      }
    }
    return b.build();
  }

  private static void writeReports(Path dir, Options options, Collection<RunResult> results, PrintStream out) {
    String summary = results.isEmpty() ? "No benchmark finished; JMH's output above says why.\n"
        : ResultsSummary.markdown(results);
    Path summaryFile = dir.resolve(ResultsSummary.FILE_NAME);
    Path table = dir.resolve(JMH_TABLE);
    try (PrintStream tableOut = new PrintStream(Files.newOutputStream(table), true, StandardCharsets.UTF_8)) {
      Files.writeString(summaryFile, "# JMH run " + dir.getFileName() + "\n\n" + summary, StandardCharsets.UTF_8);
      ResultFormatFactory.getInstance(ResultFormatType.TEXT, tableOut).writeOut(results);
    } catch (IOException e) {
      out.println("benchmarks: cannot write the summary into " + dir.toAbsolutePath() + ": " + e.getMessage());
    }
    out.println();
    out.println(summary);
    out.println("Results: " + dir.toAbsolutePath());
    String json = options.getResult().orElse(JSON);
    String file = "  %-16s %s%n";
    out.printf(file, ResultsSummary.FILE_NAME, "these tables");
    out.printf(file, json.startsWith(dir.toString()) ? JSON : json,
        "JMH's scores, for grpcpool compare and baseline save");
    out.printf(file, JMH_TABLE, "JMH's own table: every score and counter");
    if (Files.exists(dir.resolve(LatencyTable.FILE_NAME))) {
      out.printf(file, LatencyTable.FILE_NAME, "latency per closed-loop case, .hlog and .hgrm beside it");
    }
  }

  /** Removes the folder made for a run that never started, with the files this class and JMH put there first. */
  private static void discard(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
      Files.delete(dir);
    } catch (IOException e) {
      // Left as it is: an empty run folder is untidy, not wrong.
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static int usage(PrintStream err, String message) {
    err.println("benchmarks: " + message.strip().replace('\n', ' '));
    err.println("Try 'java -jar benchmarks/target/benchmarks.jar -h' for JMH's options.");
    return EXIT_USAGE;
  }

  /**
   * JMH's console output, with the run's summary printed by {@link #writeReports} instead of JMH's table; keeps
   * each benchmark's result as it finishes, for a run that is stopped. JMH calls it from its runner thread; the
   * finished list is also read by the shutdown hook.
   */
  private static final class SummaryAtEnd implements OutputFormat {
    private final OutputFormat jmh;
    private final List<RunResult> finished = new CopyOnWriteArrayList<>();

    SummaryAtEnd(OutputFormat jmh) {
      this.jmh = jmh;
    }

    @Override
    public void iteration(BenchmarkParams b, IterationParams i,
        int n) {
      jmh.iteration(b, i, n);
    }

    @Override
    public void iterationResult(BenchmarkParams b, IterationParams i,
        int n, IterationResult r) {
      jmh.iterationResult(b, i, n, r);
    }

    @Override
    public void startBenchmark(BenchmarkParams b) {
      jmh.startBenchmark(b);
    }

    @Override
    public void endBenchmark(BenchmarkResult r) {
      if (r != null) {
        finished.add(new RunResult(r.getParams(), List.of(r)));
      }
      jmh.endBenchmark(r);
    }

    /** The benchmarks that have finished so far, in order. */
    List<RunResult> finished() {
      return List.copyOf(finished);
    }

    @Override
    public void startRun() {
      jmh.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> results) {
      jmh.flush();
    }

    @Override
    public void print(String s) {
      jmh.print(s);
    }

    @Override
    public void println(String s) {
      jmh.println(s);
    }

    @Override
    public void flush() {
      jmh.flush();
    }

    @Override
    public void close() {
      jmh.flush();
    }

    @Override
    public void verbosePrintln(String s) {
      jmh.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
      jmh.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
      jmh.write(b);
    }
  }
}
