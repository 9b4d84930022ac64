package dev.grpcpool.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.grpcpool.bench.cli.CliRun;
import dev.grpcpool.bench.cli.GrpcPoolCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Bad input on every {@code grpcpool} subcommand: each case must exit 2 with exactly two lines on standard
 * error, the first naming the problem ({@code <command>: ...}), the second pointing to {@code --help}; nothing
 * on standard output, no stack trace, and no file created or changed.
 *
 * <p>Arguments may name files prepared in a temporary folder: {@code {missing}} (does not exist),
 * {@code {empty}} (zero bytes), {@code {garbage}} (text that is no PEM, JSON or run), {@code {emptyDir}},
 * {@code {garbageDir}} (a folder whose files are garbage), {@code {taken}} (a folder holding an earlier
 * result), {@code {takenFile}} (an existing file), {@code {jmhRun}} (a run folder with valid JMH JSON),
 * {@code {truncatedEnv}} (the same with a cut-off {@code env.json}) and {@code {truncated.json}}.
 */
class CliBadInputTest {

  @TempDir
  Path tmp;

  @BeforeEach
  void prepareFiles() throws IOException {
    Files.writeString(tmp.resolve("empty"), "");
    Files.writeString(tmp.resolve("garbage"), "this is not what was asked for\n");
    Files.createDirectories(tmp.resolve("emptyDir"));
    Path garbageDir = Files.createDirectories(tmp.resolve("garbageDir"));
    for (String name : List.of("summary.json", "latency.hlog", "timeline.csv", "jmh-result.json", "env.json")) {
      Files.writeString(garbageDir.resolve(name), "garbage\n");
    }
    Path taken = Files.createDirectories(tmp.resolve("taken"));
    Files.writeString(taken.resolve("summary.json"), "{\"earlier\": true}\n");
    Files.writeString(taken.resolve("env.json"), "{\"earlier\": true}\n");
    Files.writeString(tmp.resolve("takenFile"), "earlier\n");
    Path jmhRun = Files.createDirectories(tmp.resolve("jmhRun"));
    Files.writeString(jmhRun.resolve("jmh-result.json"), "[{\"benchmark\": \"dev.grpcpool.bench.X.run\", "
        + "\"mode\": \"thrpt\", \"threads\": 1, \"forks\": 1, \"primaryMetric\": {\"score\": 1.0, "
        + "\"scoreError\": 0.0, \"scoreUnit\": \"ops/s\", \"rawData\": [[1.0]]}}]\n");
    Path truncatedEnv = Files.createDirectories(tmp.resolve("truncatedEnv"));
    Files.copy(jmhRun.resolve("jmh-result.json"), truncatedEnv.resolve("jmh-result.json"));
    Files.writeString(truncatedEnv.resolve("env.json"), "{\"cpuModel\": \"AMD EP");
    Files.writeString(tmp.resolve("truncated.json"), "[{\"benchmark\": \"dev.grpcpool.bench.X.run\", \"mo");
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        // sizing
        bad("sizing --cores many", "--cores"),
        bad("sizing --rate 100 --latency 20parsecs", "20parsecs"),
        bad("sizing --rate lots --latency 20ms", "lots"),
        bad("sizing --workload disk", "disk"),
        // serve (exits before serving: every case is refused at start)
        bad("serve --port 0 --backends many", "many"),
        bad("serve --port 0 --max-connection-age 1fortnight", "1fortnight"),
        bad("serve --port 0 --backend-id=", "--backend-id"),
        bad("serve --port 0 --host 192.0.2.1", "192.0.2.1"),
        bad("serve --port 0 --tls-cert {missing} --tls-key {missing}", "missing"),
        bad("serve --port 0 --tls-cert {empty} --tls-key {empty}", "empty"),
        bad("serve --port 0 --tls-cert {garbage} --tls-key {garbage}", "garbage"),
        // load
        bad("load --rate lots", "lots"),
        bad("load --rate 10 --duration 1fortnight", "1fortnight"),
        bad("load --rate 10 --concurrency few", "few"),
        bad("load --rate 10 --duration 1s --target static:///", "static:///"),
        bad("load --rate 10 --duration 1s --target static:///127.0.0.1:port", "127.0.0.1:port"),
        bad("load --rate 10 --duration 1s --target 127.0.0.1:1 --tls-ca {missing}", "missing"),
        bad("load --rate 10 --duration 1s --target 127.0.0.1:1 --tls-ca {empty}", "empty"),
        bad("load --rate 10 --duration 1s --target 127.0.0.1:1 --tls-ca {garbage}", "garbage"),
        bad("load --transport inprocess --rate 10 --duration 1s --quiet --out {taken}", "taken"),
        // durations are echoed as written, never as ISO-8601 (PT0S)
        bad("load --transport inprocess --concurrency 4 --duration 0s", "was 0s"),
        bad("load --transport inprocess --concurrency 4 --warmup 2h", "was 2h"),
        // a rate no process could send is refused before anything is sent or written
        bad("load --transport inprocess --rate 1e9 --duration 1s --out {tmp}/never", "1,000,000,000/s"),
        bad("load --target nohost.invalid:443 --concurrency 2 --duration 1s --out {tmp}/never", "nohost.invalid"),
        // generators sharing one load
        bad("load --rate 10 --start-at 2000-01-01T00:00:00Z", "is in the past"),
        bad("load --rate 10 --start-at 2999-01-01T00:00:00Z", "more than 1h ahead"),
        bad("load --rate 10 --start-at tomorrow", "'tomorrow' is not a UTC time"),
        bad("load --rate 10 --start-in 2h", "--start-in must be at most 1h, was 2h"),
        bad("load --rate 10 --start-in 10s --start-at 2999-01-01T00:00:00Z", "not both"),
        bad("load --rate 10 --start-in 10s --warmup auto", "fixed warm-up"),
        bad("load --rate 10 --generators 3 --generator-index 0", "--target"),
        bad("load --rate 10 --target 127.0.0.1:1 --generators 3", "needs --generator-index"),
        bad("load --rate 10 --target 127.0.0.1:1 --generators 3 --generator-index 3", "0..2"),
        bad("load --rate 10 --target 127.0.0.1:1 --generator-index 1", "needs --generators"),
        bad("load --concurrency 2 --target 127.0.0.1:1 --generators 3 --generator-index 0", "cannot be shared"),
        bad("load --find-max --target 127.0.0.1:1 --generators 2 --generator-index 0", "--find-max"),
        // a pool that sizes itself: refused with a fixed size or no pool, and out-of-range bounds and pace
        bad("load --concurrency 2 --pool-min 1 --pool-max 4 --pool-size 2", "give one or the other"),
        bad("load --concurrency 2 --pool-min 1 --pool-max 4 --single-channel", "--single-channel has no pool"),
        bad("load --concurrency 2 --pool-min 2", "--pool-min and --pool-max go together"),
        bad("load --concurrency 2 --pool-max 8", "--pool-min and --pool-max go together"),
        bad("load --concurrency 2 --pool-min 3 --pool-max 3", "that is a fixed size"),
        bad("load --concurrency 2 --pool-min 4 --pool-max 2", "maxSize must be at least minSize (4)"),
        bad("load --concurrency 2 --pool-min 0 --pool-max 2", "minSize must be between 1 and 1024 (was 0)"),
        bad("load --concurrency 2 --resize-step 4", "add --pool-min and --pool-max"),
        bad("load --concurrency 2 --pool-min 1 --pool-max 4 --resize-interval 0s", "--resize-interval 0s:"),
        bad("load --concurrency 2 --pool-min 1 --pool-max 4 --resize-step 0", "maxResizeStep must be between"),
        bad("load --concurrency 2 --pool-min 1 --pool-max 4 --calls-per-channel 10", "LOW:HIGH"),
        bad("load --concurrency 2 --pool-min 1 --pool-max 4 --calls-per-channel ten:50", "whole numbers"),
        bad("load --concurrency 2 --pool-min 1 --pool-max 4 --calls-per-channel 50:10", "greater than low (50)"),
        bad("sizing --measure --concurrency 2 --pool-min 1 --pool-max 4", "not used by sizing --measure"),
        // rate steps
        bad("load --rate-steps 500:1s,0:1s --warmup 0s --duration 5s", "drop --duration"),
        bad("load --rate-steps 500:1s,0:1s", "needs a fixed --warmup"),
        bad("load --rate-steps 500:1s --warmup auto", "needs a fixed --warmup"),
        bad("load --rate 10 --rate-steps 500:1s --warmup 0s", "give --rate or --rate-steps, not both"),
        bad("load --rate-steps 500 --warmup 0s", "'500' is not RATE:DURATION"),
        bad("load --rate-steps fast:1s --warmup 0s", "'fast' is not a rate"),
        bad("load --rate-steps 500:1fortnight --warmup 0s", "1fortnight"),
        bad("load --rate-steps 500:0s --warmup 0s", "a step's duration must be > 0, was 0s"),
        bad("load --rate-steps 0:1s,0:2s --warmup 0s", "a rate > 0"),
        bad("load --find-max --rate-steps 500:1s --warmup 0s", "drop --rate-steps"),
        // load --call: what is refused before any server is asked (the rest in LoadAnyServiceTest)
        bad("load --concurrency 2 --data {}", "go with --call"),
        bad("load --concurrency 2 --call a.B/C --payload 10", "--payload"),
        bad("load --concurrency 2 --call Health", "package.Service/Method"),
        bad("load --concurrency 2 --call a.B/C --compress zstd", "zstd"),
        bad("load --concurrency 2 --call a.B/C --stream-messages 0", "--stream-messages must be >= 1"),
        bad("load --concurrency 2 --call a.B/C --protoset {missing}", "missing"),
        bad("load --concurrency 2 --call a.B/C --protoset {garbage}", "garbage"),
        bad("load --concurrency 2 --call a.B/C --data-file {missing}", "missing"),
        bad("load --concurrency 2 --call a.B/C --data {} --data-file {empty}", "not both"),
        bad("load --concurrency 2 --call a.B/C --metadata novalue", "novalue"),
        bad("load --concurrency 2 --call a.B/C --metadata grpc-timeout=1S", "reserved"),
        // compare
        bad("compare {missing} {missing}", "missing"),
        bad("compare {empty} {empty}", "empty"),
        bad("compare {garbage} {garbage}", "garbage"),
        bad("compare {garbageDir} {garbageDir}", "garbageDir"),
        bad("compare --alpha often {garbage} {garbage}", "often"),
        bad("compare --min-forks few {garbage} {garbage}", "few"),
        bad("compare --markdown {takenFile} {jmhRun} {jmhRun}", "takenFile"),
        bad("compare {truncated.json} {jmhRun}", "not valid JSON at line 1"),
        bad("compare {truncatedEnv} {jmhRun}", "env.json: machine description not valid JSON"),
        // baseline
        bad("baseline save {missing} --to {emptyDir}/baseline", "missing"),
        bad("baseline save {emptyDir} --to {tmp}/baseline", "emptyDir"),
        bad("baseline save {garbageDir} --to {tmp}/baseline", "garbageDir"),
        bad("baseline save {jmhRun} --to {taken}", "taken"),
        bad("baseline record-env {missing}", "missing"),
        bad("baseline record-env {taken}", "taken"),
        // report
        bad("report {missing}", "missing"),
        bad("report {emptyDir}", "emptyDir"),
        bad("report {garbageDir}", "garbageDir"),
        bad("report {garbageDir} --out {takenFile}", "takenFile"));
  }

  private static Arguments bad(String args, String named) {
    return Arguments.of(args, named);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void badInput_exitsTwo_withOneLineNamingTheProblemAndHelpPointer_writingNothing(String args, String named) {
    String[] argv = args.replace("{tmp}", tmp.toString()).replace("{", tmp + "/").replace("}", "").split(" ");
    Map<String, String> before = snapshot(tmp);

    Result result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(argv));

    assertOneLineUsageError(result, argv[0].equals("baseline") ? argv[1] : argv[0], named);
    assertThat(snapshot(tmp)).as("files after the command").isEqualTo(before);
  }

  /** Every subcommand, nested ones included, refuses an unknown option the same way. */
  @Test
  void unknownOption_onEverySubcommand_exitsTwoNamingIt() {
    List<List<String>> commands = CliRun.subcommands();
    assertThat(commands).as("subcommands found").hasSizeGreaterThanOrEqualTo(6);

    for (List<String> command : commands) {
      List<String> argv = new ArrayList<>(command);
      // Required positional arguments are given, so the unknown option is the only problem.
      CommandLine sub = GrpcPoolCli.commandLine();
      for (String name : command) {
        sub = sub.getSubcommands().get(name);
      }
      for (CommandLine.Model.PositionalParamSpec p : sub.getCommandSpec().positionalParameters()) {
        for (int i = 0; i < p.arity().min(); i++) {
          argv.add("x");
        }
      }
      argv.add("--no-such-option");
      Result result = run(argv.toArray(String[]::new));
      assertOneLineUsageError(result, command.get(command.size() - 1), "--no-such-option");
    }
  }


  private static void assertOneLineUsageError(Result result, String command, String named) {
    List<String> lines = result.err.lines().toList();
    assertThat(result.exit).as("exit code; stderr: %s", result.err).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(lines).as("stderr lines").hasSize(2);
    assertThat(lines.get(0)).startsWith(command + ": ").contains(named);
    assertThat(lines.get(1)).contains("--help");
    assertThat(result.err).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("StreamReadFeature");
    assertThat(result.err.replace("ISO-8601 PT30S", "")).as("durations as written").doesNotContainPattern("PT[0-9]");
    assertThat(result.out).as("stdout").isEmpty();
  }

  private static final class Result {
    final int exit;
    final String out;
    final String err;

    Result(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }
  }

  private Result run(String... argv) {
    CliRun cli = new CliRun();
    // A command that wrongly went ahead would write its run folder here, where the snapshot sees it.
    String previous = System.setProperty("grpcpool.results.dir", tmp.resolve("results").toString());
    try {
      return new Result(cli.run(argv), cli.out(), cli.err());
    } finally {
      if (previous == null) {
        System.clearProperty("grpcpool.results.dir");
      } else {
        System.setProperty("grpcpool.results.dir", previous);
      }
    }
  }

  /** Every file under {@code dir} with its content. */
  private static Map<String, String> snapshot(Path dir) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        files.put(dir.relativize(p).toString(),
            Files.isDirectory(p) ? "<dir>" : new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
