package dev.grpcpool.bench.results;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.AbstractHistogram;

/**
 * Writes a histogram's percentile distribution to a {@code .hgrm} file, the text format of
 * {@link AbstractHistogram#outputPercentileDistribution} that HdrHistogram's plotter reads.
 *
 * <p>Values are scaled from the unit they were recorded in to the unit they are reported in (the
 * "output value unit scaling ratio", e.g. 1000 from nanoseconds to microseconds); a closing comment line states
 * both units and the ratio, after HdrHistogram's own {@code #[Mean ...]} footer so that readers that expect the
 * standard layout are not disturbed.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class HgrmWriter {

  /** Percentile ticks per half distance, as in HdrHistogram's own examples: fine enough for p99.99. */
  public static final int PERCENTILE_TICKS_PER_HALF_DISTANCE = 5;

  private HgrmWriter() {}

  /**
   * Writes {@code histogram} to {@code file}, which must be new or empty (see {@link RunFolder#newFile}).
   *
   * @param recordedIn the unit of the recorded values
   * @param reportedIn the unit the file shows; must not be finer than {@code recordedIn}
   */
  public static void write(Path file, AbstractHistogram histogram, TimeUnit recordedIn, TimeUnit reportedIn) {
    Objects.requireNonNull(histogram, "histogram");
    double ratio = scalingRatio(recordedIn, reportedIn);
    try {
      if (Files.exists(file) && Files.size(file) > 0) {
        throw new IllegalArgumentException(file + " already has content; refusing to overwrite it");
      }
      try (OutputStream stream = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           PrintStream out = new PrintStream(stream, false, StandardCharsets.UTF_8)) {
        histogram.outputPercentileDistribution(out, PERCENTILE_TICKS_PER_HALF_DISTANCE, ratio);
        out.printf("#[Values in %s: recorded in %s, output value unit scaling ratio %s]%n",
            reportedIn.name().toLowerCase(), recordedIn.name().toLowerCase(), ratio);
        if (out.checkError()) {
          throw new IOException("writing failed");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** How many recorded units make one reported unit, e.g. 1000.0 from nanoseconds to microseconds. */
  public static double scalingRatio(TimeUnit recordedIn, TimeUnit reportedIn) {
    long ratio = recordedIn.convert(1, reportedIn);
    if (ratio < 1) {
      throw new IllegalArgumentException(
          "cannot report values recorded in " + recordedIn + " in the finer unit " + reportedIn);
    }
    return ratio;
  }
}
