package dev.grpcpool.bench.jmh;

import dev.grpcpool.bench.results.RunFolder;
import java.nio.file.Path;
import java.time.Instant;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The one {@link RunFolder} a whole JMH run writes its latency reports into, however many forked JVMs it uses.
 *
 * <p>JMH forks are child processes of the JMH host process, run one after another. Every fork names the run
 * by its host: the host's process id and start time form the run id, and the host's start time the folder
 * name ({@code results/<yyyyMMdd-HHmmss>-jmh}). The first fork creates the folder, later forks rejoin it, and a
 * folder of another run with the same name is never reused. With {@code -f 0} the benchmark runs in the host
 * itself. The system property {@value #RUN_DIR_PROPERTY} names the folder instead (forks inherit the host's
 * {@code -D} options); it must not exist yet or must have been made by this run. The jar's entry point
 * ({@code cli.BenchmarksMain}) creates the folder in the host before the first fork and writes JMH's JSON and the
 * run's summary into it.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class JmhRun {

  /** System property naming this run's folder explicitly; it must be new or belong to this run. */
  public static final String RUN_DIR_PROPERTY = "grpcpool.run.dir";
  /** Label of JMH run folders. */
  public static final String LABEL = "jmh";

  private JmhRun() {}

  /** The folder of the JMH run this benchmark trial belongs to, created on first use. */
  public static RunFolder folder(BenchmarkParams params) {
    ProcessHandle self = ProcessHandle.current();
    ProcessHandle host = params.getForks() > 0 ? self.parent().orElse(self) : self;
    return folderOf(host);
  }

  /** The folder of the JMH run hosted by this process (the jar's entry point), created on first use. */
  public static RunFolder hostFolder() {
    return folderOf(ProcessHandle.current());
  }

  private static RunFolder folderOf(ProcessHandle host) {
    Instant started = host.info().startInstant()
        .orElseGet(() -> ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH));
    String runId = "jmh host pid " + host.pid() + " started " + started;
    String explicit = System.getProperty(RUN_DIR_PROPERTY);
    if (explicit != null && !explicit.isBlank()) {
      return RunFolder.forRun(Path.of(explicit), runId);
    }
    return RunFolder.forRun(RunFolder.baseDir(), LABEL, started, runId);
  }
}
