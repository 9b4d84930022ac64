package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.compare.BaselineStore;
import dev.grpcpool.bench.compare.CompareInputException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code grpcpool baseline save RUN_DIR [--force]} keeps a run as the reference in {@code results/baseline/}
 * with its machine description; {@code grpcpool baseline record-env DIR} writes this machine's description
 * ({@code env.json}) into a run folder. Wires options to {@link BaselineStore}.
 *
 * <p>Not thread-safe (one instance per command-line invocation).
 */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    description = "Keep a run as the comparison baseline, or record the machine a run was made on.",
    subcommands = {BaselineCommand.Save.class, BaselineCommand.RecordEnv.class})
public final class BaselineCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (save, record-env)");
  }

  /** {@code baseline save}. */
  @Command(name = "save", mixinStandardHelpOptions = true,
      description = "Copy RUN_DIR into the baseline folder with its machine description (env.json; this "
          + "machine's is recorded when the run has none). Never replaces a baseline without --force.")
  public static final class Save implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "Run folder holding JMH JSON.")
    Path runDir;

    @Option(names = "--to", paramLabel = "DIR",
        description = "Baseline folder (default: <results>/baseline, results from grpcpool.results.dir, "
            + "GRPCPOOL_RESULTS_DIR or ./results).")
    Path to;

    @Option(names = "--force", description = "Replace an existing baseline.")
    boolean force;

    @Override
    public Integer call() {
      Path target = to != null ? to : BaselineStore.resultsDir().resolve(BaselineStore.BASELINE_DIR);
      BaselineStore.Saved saved;
      try {
        saved = BaselineStore.save(runDir, target, force);
      } catch (CompareInputException | UncheckedIOException e) {
        throw new GrpcPoolCli.UsageException(e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("Saved " + saved.files() + " file" + (saved.files() == 1 ? "" : "s") + " from " + runDir
          + " as the baseline in " + saved.dir());
      out.println("Machine: " + saved.environment()
          + (saved.environmentRecordedNow() ? " (the run had no env.json; this machine was recorded)" : ""));
      out.flush();
      return GrpcPoolCli.EXIT_OK;
    }
  }

  /** {@code baseline record-env}. */
  @Command(name = "record-env", mixinStandardHelpOptions = true,
      description = "Write this machine's description (CPU model, cores, JDK, OS) to DIR/env.json, beside a "
          + "run's JMH JSON. Never overwrites.")
  public static final class RecordEnv implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Run folder.")
    Path dir;

    @Override
    public Integer call() {
      Path file;
      try {
        file = BaselineStore.recordEnvironment(dir);
      } catch (CompareInputException | UncheckedIOException e) {
        throw new GrpcPoolCli.UsageException(e.getMessage(), e);
      }
      spec.commandLine().getOut().println("Wrote " + file);
      spec.commandLine().getOut().flush();
      return GrpcPoolCli.EXIT_OK;
    }
  }
}
