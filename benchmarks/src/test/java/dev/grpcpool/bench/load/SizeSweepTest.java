package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcpool.bench.cli.GrpcPoolCli;
import dev.grpcpool.core.sizing.PoolSizing;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link SizeSweep} and {@code grpcpool sizing --measure}. */
class SizeSweepTest {
  @TempDir
  Path tmp;

  private static SizeSweep.Point point(int size, double rate, double p99) {
    return new SizeSweep.Point(size, rate, p99 / 2, p99, 1.0, 1000, 0);
  }

  @Test
  void decide_picksSmallestSizeWithinFivePercentOfBest() {
    List<SizeSweep.Point> points = List.of(point(1, 5000, 9), point(2, 9000, 5), point(4, 9600, 4),
        point(8, 10000, 4));

    SizeSweep.Outcome o = SizeSweep.decide(points, null, PoolSizing.Workload.IO_BOUND, 2);

    assertThat(o.chosen().size()).isEqualTo(4);
    assertThat(o.heuristic().channels()).isEqualTo(6);
    assertThat(o.littlesLaw().channels()).isPositive();
  }

  @Test
  void decide_withP99Target_picksSmallestSizeMeetingIt_orNone() {
    List<SizeSweep.Point> points = List.of(point(1, 5000, 9), point(2, 9000, 5), point(4, 9600, 4));

    assertThat(SizeSweep.decide(points, 6.0, PoolSizing.Workload.MIXED, 2).chosen().size()).isEqualTo(2);
    assertThat(SizeSweep.decide(points, 1.0, PoolSizing.Workload.MIXED, 2).chosen()).isNull();
  }

  @Test
  void defaultSizes_doubleUpToTheLargestRuleOfThumbSize() {
    // 2 cores: I/O-bound with high concurrency is the largest, floor(2 x 3 x 1.3) = 7.
    assertThat(SizeSweep.defaultSizes(2)).containsExactly(1, 2, 4, 7);
  }

  @Test
  void sizingMeasure_sweepsSizesAndWritesTableChartAndRuns() throws Exception {
    Path dir = tmp.resolve("sweep");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = GrpcPoolCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("sizing", "--measure", "--transport", "inprocess", "--backends", "2", "--concurrency",
        "4", "--work", "io", "--io-micros", "1000", "--duration", "1s", "--warmup", "0s", "--sizes", "2,4", "--out",
        dir.toString(), "--quiet");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Measured:", "Rule of thumb:", "Little's law:", "<- measured choice")
        .as("the rule of thumb for the simulated work").contains("(I/O-bound")
        .as("a measured latency in a readable unit").doesNotContainPattern("[0-9]{4,} ns")
        .doesNotContain(" 1 channels");
    assertThat(Files.readAllLines(dir.resolve("sizing.csv"))).hasSize(3);
    assertThat(Files.readString(dir.resolve("sizing.html"))).contains("<svg", "Throughput by pool size");
    assertThat(dir.resolve("size-2").resolve("summary.json")).isNotEmptyFile();
    assertThat(dir.resolve("size-4").resolve("latency.hlog")).isNotEmptyFile();
  }

  @Test
  void sizingMeasureWithSlo_searchesEachSizesHighestRateAtTheObjective() throws Exception {
    Path dir = tmp.resolve("slo");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = GrpcPoolCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    // Each channel carries at most 4 calls of 5 ms in flight (the cap is per run): about 800 calls/s at most.
    int code = cli.execute("sizing", "--measure", "--slo", "p99=2s", "--transport", "inprocess", "--backends", "1",
        "--concurrency", "4", "--io-micros", "5000", "--duration", "1s", "--warmup", "500ms", "--sizes", "1,2",
        "--out", dir.toString(), "--quiet");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("best rate that held p99=2s", "<- measured choice");
    assertThat(dir.resolve("size-1").resolve("find-max.json")).isNotEmptyFile();
    assertThat(dir.resolve("size-2").resolve("step-00-probe").resolve("summary.json")).isNotEmptyFile();
    List<String> csv = Files.readAllLines(dir.resolve("sizing.csv"));
    assertThat(csv).hasSize(3);
    assertThat(Double.parseDouble(csv.get(1).split(",")[1])).as("size 1's highest rate").isBetween(300.0, 820.0);
  }

  @Test
  void sizingMeasure_sloWithP99TargetOrRate_isRefused() {
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = GrpcPoolCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute("sizing", "--measure", "--slo", "p99=5ms", "--p99-target", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("not both");
    assertThat(cli.execute("sizing", "--measure", "--slo", "p99=5ms", "--rate", "100")).isEqualTo(2);
  }

  @Test
  void sizingWithoutMeasure_rejectsLoadOptions() {
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = GrpcPoolCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute("sizing", "--duration", "1s")).isEqualTo(GrpcPoolCli.EXIT_USAGE);
    assertThat(err.toString()).contains("need --measure");
  }
}
