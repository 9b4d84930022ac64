package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --help} of every subcommand prints its usage and nothing else, and mistyped names get suggestions.
 * picocli reports a description it cannot format (an unescaped {@code %}) on the process's standard error, not
 * on the command's writers, so that stream is watched too.
 */
class CliHelpTest {

  @Test
  void help_ofEverySubcommand_printsUsageOnly_noFormattingWarnings() {
    List<List<String>> commands = new ArrayList<>();
    commands.add(List.of());
    commands.addAll(CliRun.subcommands());
    assertThat(commands).hasSizeGreaterThanOrEqualTo(7);

    PrintStream systemErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (List<String> command : commands) {
        List<String> argv = new ArrayList<>(command);
        argv.add("--help");
        CliRun cli = new CliRun();
        int exit = cli.run(argv.toArray(String[]::new));
        assertThat(exit).as("exit of %s", argv).isZero();
        assertThat(cli.out()).as("usage of %s", argv).startsWith("Usage: grpcpool");
        assertThat(cli.err()).as("stderr of %s", argv).isEmpty();
      }
    } finally {
      System.setErr(systemErr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).as("picocli's warnings").isEmpty();
  }

  @Test
  void mistypedSubcommandAndOption_getADidYouMean() {
    CliRun cli = new CliRun();
    assertThat(cli.run("sizng")).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(cli.err().lines()).hasSize(2).first().asString().contains("'sizng'").endsWith("did you mean 'sizing'?");
    assertThat(cli.out()).isEmpty();

    cli.clear();
    assertThat(cli.run("load", "--duraton", "3s")).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(cli.err().lines()).hasSize(2).first().asString().contains("--duraton").endsWith("'--duration'?");
  }
}
