package dev.grpcpool.bench.cli;

import dev.grpcpool.server.BoundedLogHandler;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code grpcpool} command line: one entry point for every tool of the project.
 *
 * <p>Subcommands only wire options to library calls; the work lives in the library classes they call.
 * Exit codes are shared by all subcommands: {@code 0} success, {@code 1} a result the user asked to be
 * told about (a regression found by {@code compare}), {@code 2} bad input (unknown option, bad value,
 * missing or unreadable file), with a one-line message naming the problem on standard error.
 *
 * <p>Run it as {@code scripts/grpcpool <subcommand>} or
 * {@code java -cp benchmarks/target/benchmarks.jar dev.grpcpool.bench.cli.GrpcPoolCli <subcommand>}.
 */
@Command(
    name = "grpcpool",
    mixinStandardHelpOptions = true,
    versionProvider = GrpcPoolCli.Version.class,
    description = "Measure and size gRPC channel pools.",
    subcommands = {
        CommandLine.HelpCommand.class,
        CompareCommand.class,
        BaselineCommand.class,
        ServeCommand.class,
        SizingCommand.class,
        LoadCommand.class,
        ReportCommand.class,
    })
public final class GrpcPoolCli implements Runnable {

  /** Exit code for success. */
  public static final int EXIT_OK = 0;
  /** Exit code when the command ran but found what the user asked to be warned about (a regression). */
  public static final int EXIT_FINDING = 1;
  /** Exit code for bad input: usage errors, bad values, missing or unreadable files. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /** Builds the command line with the project's error handling; tests call this to run a command in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new GrpcPoolCli());
    // Enum options (strategies, work, arrivals, workloads) are typed as the enums they name, converted by picocli.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(GrpcPoolCli::onBadParameters);
    cli.setExecutionExceptionHandler(GrpcPoolCli::onExecutionFailure);
    return cli;
  }

  public static void main(String[] args) {
    // gRPC and Netty log a warning with a stack trace per failed stream; under overload that is hundreds of
    // megabytes. One line per kind of problem per interval, with counts, says the same. The console is for the
    // command's own output: the lines are held until a run folder takes them (run.log), or serve prints them.
    BoundedLogHandler.installOnRoot().hold();
    System.exit(commandLine().execute(args));
  }

  /** One line naming the problem and a pointer to help, never a stack trace. */
  private static int onBadParameters(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandName() + ": " + e.getMessage() + suggestion(e));
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return EXIT_USAGE;
  }

  /** "; did you mean 'sizing'?" for a mistyped subcommand or option that resembles known ones, else "". */
  static String suggestion(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException)) {
      return "";
    }
    List<String> close = ((CommandLine.UnmatchedArgumentException) e).getSuggestions();
    if (close.isEmpty()) {
      return "";
    }
    List<String> shown = close.subList(0, Math.min(3, close.size()));
    return "; did you mean " + shown.stream().map(s -> "'" + s + "'").collect(Collectors.joining(" or ")) + "?";
  }

  /**
   * Bad input found while running (a missing file, a value out of range) is reported like a usage error;
   * anything else is a bug and keeps its stack trace so it can be reported.
   */
  private static int onExecutionFailure(
      Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    if (e instanceof UsageException || e instanceof IllegalArgumentException) {
      err.println(cmd.getCommandName() + ": " + e.getMessage());
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return EXIT_USAGE;
    }
    err.println(cmd.getCommandName() + ": internal error: " + e);
    e.printStackTrace(err);
    err.flush();
    return 3;
  }

  /** Thrown by a subcommand for bad input it can only detect while running (a missing or malformed file). */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }

    public UsageException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = GrpcPoolCli.class.getPackage().getImplementationVersion();
      return new String[] {"grpcpool " + (v == null ? "(development build)" : v)};
    }
  }
}
