package dev.grpcpool.bench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcpool.bench.latency.LatencyRecorder;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link HlogWriter}, {@link HgrmWriter} and {@link LatencyTable}. */
class HistogramReportsTest {

  private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path base;

  @Test
  void hlog_readBack_givesSameCountsPerIntervalAndInTotal() throws Exception {
    RunFolder folder = RunFolder.create(base, "test", START);
    Path file = folder.newFile("case.hlog");
    List<Histogram> intervals = List.of(randomInterval(1, 1_000, 0), randomInterval(2, 2_500, 1),
        randomInterval(3, 0, 2));

    try (HlogWriter log = HlogWriter.open(file, START, "unary echo\nstrategy=ROUND_ROBIN", TimeUnit.NANOSECONDS)) {
      intervals.forEach(log::append);
    }

    Histogram total = LatencyRecorder.newHistogram();
    int read = 0;
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      HistogramLogReader reader = new HistogramLogReader(in);
      for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; read++) {
        Histogram interval = (Histogram) h;
        assertThat(interval.getTotalCount()).isEqualTo(intervals.get(read).getTotalCount());
        assertThat(interval.getMaxValue()).isEqualTo(intervals.get(read).getMaxValue());
        total.add(interval);
      }
      assertThat(reader.getStartTimeSec()).isEqualTo(START.getEpochSecond());
    }
    assertThat(read).isEqualTo(3);
    assertThat(total.getTotalCount()).isEqualTo(3_500);
    assertThat(Files.readString(file)).contains("#unary echo", "#strategy=ROUND_ROBIN", "recorded in nanoseconds");
  }

  @Test
  void hlog_fileWithContent_isNotOverwritten() throws Exception {
    Path file = base.resolve("old.hlog");
    Files.writeString(file, "precious");

    assertThatThrownBy(() -> HlogWriter.open(file, START, "x", TimeUnit.NANOSECONDS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(file).hasContent("precious");
  }

  @Test
  void hgrm_parsesAndShowsMicroseconds() throws Exception {
    Histogram h = LatencyRecorder.newHistogram();
    for (long micros = 1; micros <= 1000; micros++) {
      h.recordValue(micros * 1000); // nanoseconds
    }
    Path file = base.resolve("case.hgrm");

    HgrmWriter.write(file, h, TimeUnit.NANOSECONDS, TimeUnit.MICROSECONDS);

    List<double[]> rows = Files.readAllLines(file).stream()
        .map(String::trim)
        .filter(line -> !line.isEmpty() && Character.isDigit(line.charAt(0)))
        .map(line -> line.split("\\s+"))
        .map(cols -> new double[] {Double.parseDouble(cols[0]), Double.parseDouble(cols[1]),
            Double.parseDouble(cols[2])})
        .collect(Collectors.toList());
    assertThat(rows).isNotEmpty();
    double[] median = rows.stream().filter(r -> r[1] >= 0.5).findFirst().orElseThrow();
    assertThat(median[0]).isBetween(499.0, 501.0); // microseconds, not nanoseconds
    double[] last = rows.get(rows.size() - 1);
    assertThat(last[1]).isEqualTo(1.0);
    assertThat((long) last[2]).isEqualTo(1000);
    assertThat(Files.readString(file)).contains("#[Max", "Values in microseconds", "scaling ratio 1000.0");
  }

  @Test
  void hgrm_finerOutputUnitThanRecorded_isRejected() {
    assertThatThrownBy(() -> HgrmWriter.scalingRatio(TimeUnit.MICROSECONDS, TimeUnit.NANOSECONDS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(HgrmWriter.scalingRatio(TimeUnit.NANOSECONDS, TimeUnit.MILLISECONDS)).isEqualTo(1e6);
  }

  @Test
  void summary_firstRowWritesHeader_laterRowsAppend() throws Exception {
    RunFolder folder = RunFolder.create(base, "test", START);
    Histogram h = LatencyRecorder.newHistogram();
    h.recordValue(20_000);

    LatencyTable.appendRow(folder, "# Run", "A strategy=X", 3, h, TimeUnit.NANOSECONDS, "a.hlog");
    Path file = LatencyTable.appendRow(folder, "# ignored", "B", 0, h, TimeUnit.NANOSECONDS, "b.hlog");

    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).isEqualTo("# Run");
    assertThat(lines).filteredOn(l -> l.startsWith("| case")).hasSize(1);
    assertThat(lines).contains("| A strategy=X | 4 | 3 | 20.0 | 20.0 | 20.0 | 20.0 | 20.0 | a.hlog |");
    assertThat(lines.get(lines.size() - 1)).startsWith("| B | 1 | 0 |");
    assertThat(String.join("\n", lines)).doesNotContain("ignored");
  }

  /** An interval of {@code count} random latencies between 1 µs and 10 ms, time stamped {@code second} s in. */
  private static Histogram randomInterval(long seed, int count, int second) {
    Random random = new Random(seed);
    Histogram h = LatencyRecorder.newHistogram();
    for (int i = 0; i < count; i++) {
      h.recordValue(1_000 + random.nextInt(10_000_000));
    }
    h.setStartTimeStamp(START.toEpochMilli() + second * 1000L);
    h.setEndTimeStamp(START.toEpochMilli() + second * 1000L + 1000);
    return h;
  }
}
