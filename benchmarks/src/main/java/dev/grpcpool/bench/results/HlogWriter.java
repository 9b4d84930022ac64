package dev.grpcpool.bench.results;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes interval histograms to a {@code .hlog} file in HdrHistogram's log format, readable by
 * {@code org.HdrHistogram.HistogramLogReader} and {@code HistogramLogProcessor}.
 *
 * <p>The header carries a comment (what was measured and in which unit), the log format version, the start
 * time and the legend. Each interval is one line; its time stamps are seconds since the start time, taken from
 * the histogram's own start and end time stamps (a {@code Recorder}'s interval histograms carry them).
 * The log format has no unit field: the values are whatever was recorded, and the comment says which unit that
 * is; the {@code Interval_Max} column is shown in milliseconds.
 *
 * <p>Instances are thread-safe: appends are serialized.
 */
public final class HlogWriter implements Closeable {

  private final PrintStream out;
  private final HistogramLogWriter writer;
  private final double recordedUnitsPerMilli;
  private boolean closed;

  private HlogWriter(PrintStream out, Instant start, String comment, TimeUnit recordedIn) {
    this.out = out;
    this.writer = new HistogramLogWriter(out);
    this.recordedUnitsPerMilli = (double) recordedIn.convert(1, TimeUnit.MILLISECONDS);
    if (recordedUnitsPerMilli < 1) {
      throw new IllegalArgumentException("values recorded in " + recordedIn + " are coarser than milliseconds");
    }
    for (String line : comment.split("\\R")) {
      writer.outputComment(line);
    }
    writer.outputComment("Values recorded in " + recordedIn.name().toLowerCase()
        + "; Interval_Max is in milliseconds (value unit ratio " + (long) recordedUnitsPerMilli + ").");
    writer.outputLogFormatVersion();
    long startMillis = start.toEpochMilli();
    writer.outputStartTime(startMillis);
    writer.setBaseTime(startMillis);
    writer.outputBaseTime(startMillis);
    writer.outputLegend();
    out.flush();
  }

  /**
   * Opens {@code file} (which must not exist yet: use {@link RunFolder#newFile}, or a file it created and left
   * empty) and writes the header.
   *
   * @param start the start of the run; interval time stamps are relative to it
   * @param comment what the log holds, one or more lines, e.g. benchmark and parameters
   * @param recordedIn the unit of the recorded values (nanoseconds or microseconds, typically)
   */
  public static HlogWriter open(Path file, Instant start, String comment, TimeUnit recordedIn) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(recordedIn, "recordedIn");
    try {
      if (Files.exists(file) && Files.size(file) > 0) {
        throw new IllegalArgumentException(file + " already has content; refusing to overwrite it");
      }
      OutputStream stream = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new HlogWriter(new PrintStream(stream, false, StandardCharsets.UTF_8), start, comment, recordedIn);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
  }

  /**
   * Appends one interval. Its start and end time stamps (milliseconds since the epoch) place it in the log; an
   * empty histogram is written too, so gaps in the load are visible.
   */
  public synchronized void append(EncodableHistogram interval) {
    if (closed) {
      throw new IllegalStateException("log is closed");
    }
    double base = writer.getBaseTime();
    double startSec = (interval.getStartTimeStamp() - base) / 1000.0;
    double endSec = (interval.getEndTimeStamp() - base) / 1000.0;
    writer.outputIntervalHistogram(startSec, endSec, interval, recordedUnitsPerMilli);
    out.flush();
    if (out.checkError()) {
      throw new UncheckedIOException(new IOException("writing the interval log failed"));
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      writer.close();
    }
  }
}
