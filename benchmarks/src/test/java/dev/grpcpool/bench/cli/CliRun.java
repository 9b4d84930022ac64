package dev.grpcpool.bench.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code grpcpool} command lines in the test's JVM through {@link GrpcPoolCli#commandLine()}, as the
 * launcher would, and captures what they print. Output accumulates over the runs of one instance until
 * {@link #clear()}, so a test can run a command that prepares input and then the command under test.
 * {@link #startProcess} runs one in a child JVM instead, for commands that serve until signalled.
 *
 * <p>Not thread-safe: one instance per test. {@link #startProcess} may be called from any thread.
 */
public final class CliRun {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Runs one command line on a fresh {@link CommandLine} and returns its exit code. */
  public int run(String... args) {
    CommandLine cli = GrpcPoolCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** Every subcommand's name path ({@code [compare]}, {@code [baseline, save]}, …), {@code help} left out. */
  public static List<List<String>> subcommands() {
    List<List<String>> into = new ArrayList<>();
    collect(GrpcPoolCli.commandLine(), new ArrayList<>(), into);
    return into;
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
    for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
      if (sub.getKey().equals("help")) {
        continue;
      }
      List<String> p = new ArrayList<>(path);
      p.add(sub.getKey());
      into.add(p);
      collect(sub.getValue(), p, into);
    }
  }

  /** Everything printed to standard output so far. */
  public String out() {
    return out.toString();
  }

  /** Everything printed to standard error so far. */
  public String err() {
    return err.toString();
  }

  /** Forgets the output captured so far. */
  public void clear() {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
  }

  /**
   * Starts {@code grpcpool args} in a child JVM on this test's class path, standard error merged into standard
   * output. A daemon thread appends each line the process prints to {@code lines}, which must be thread-safe
   * (e.g. a {@code CopyOnWriteArrayList}). The caller destroys the process.
   */
  public static Process startProcess(List<String> lines, String... args) throws IOException {
    return startMain(lines, GrpcPoolCli.class, Map.of(), args);
  }

  /** As {@link #startProcess}, for the {@code main} of class {@code main}, with {@code env} added. */
  public static Process startMain(List<String> lines, Class<?> main, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    Thread reader = new Thread(() -> readLines(process, lines), "grpcpool-output");
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  private static void readLines(Process p, List<String> into) {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        into.add(line);
      }
    } catch (IOException e) {
      // Process.destroy() closes the pipe under the reader: the output ends there.
    }
  }
}
