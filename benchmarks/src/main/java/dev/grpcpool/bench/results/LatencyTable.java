package dev.grpcpool.bench.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.AbstractHistogram;

/**
 * The {@value #FILE_NAME} of a JMH run folder: a markdown table with one row per measured case (calls,
 * failed calls, p50 / p90 / p99 / p99.9 / max latency in microseconds, and the files holding the details).
 *
 * <p>The file is created with its preamble and table header by the first row and only ever appended to, so
 * several processes of one run (JMH forks, which run one after another) add their rows to the same table.
 *
 * <p>This class is thread-safe within a process: appends are serialized.
 */
public final class LatencyTable {

  /** File name of the summary in a run folder. */
  public static final String FILE_NAME = "latency.md";

  private static final String HEADER =
      "| case | calls | failed | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | files |\n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|---|\n";

  private LatencyTable() {}

  /**
   * Appends one row to the summary of {@code folder}, creating the file with {@code preamble} (markdown: a
   * title and how the figures were measured) and the table header when this is the first row.
   *
   * @param caseName benchmark and parameters, as a person would name them
   * @param failed calls that failed; they are not in {@code latencies}
   * @param latencies every successful call's latency, recorded in {@code recordedIn}
   * @param files the report files of this case, e.g. its {@code .hlog} and {@code .hgrm} names
   * @return the summary file
   */
  public static synchronized Path appendRow(RunFolder folder, String preamble, String caseName, long failed,
      AbstractHistogram latencies, TimeUnit recordedIn, String files) {
    Objects.requireNonNull(preamble, "preamble");
    Path file = folder.path().resolve(FILE_NAME);
    double ratio = HgrmWriter.scalingRatio(recordedIn, TimeUnit.MICROSECONDS);
    long calls = latencies.getTotalCount() + failed;
    String row = String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s |%n",
        cell(caseName), calls, failed,
        micros(latencies, 50.0, ratio), micros(latencies, 90.0, ratio), micros(latencies, 99.0, ratio),
        micros(latencies, 99.9, ratio), latencies.getTotalCount() == 0 ? "–" : format(latencies.getMaxValue() / ratio),
        cell(files));
    try {
      try {
        Files.writeString(file, preamble.strip() + "\n\n" + HEADER, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException existing) {
        // rows of this run are appended below the header written by the first one
      }
      Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  private static String micros(AbstractHistogram h, double percentile, double ratio) {
    return h.getTotalCount() == 0 ? "–" : format(h.getValueAtPercentile(percentile) / ratio);
  }

  private static String format(double micros) {
    return micros >= 100 ? String.format(Locale.ROOT, "%.0f", micros) : String.format(Locale.ROOT, "%.1f", micros);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace('\n', ' ');
  }
}
