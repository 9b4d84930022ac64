package dev.grpcpool.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.DoubleHistogram;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Finds and reads the latency files of a run folder: {@code .hlog} (HdrHistogram log, interval histograms)
 * and {@code .hgrm} (HdrHistogram percentile distribution text). Each is known by its path relative to the run
 * folder without the extension, which is how the two runs' files are matched.
 *
 * <p>Stateless and thread-safe.
 */
final class LatencyReader {

  static final String HLOG = ".hlog";
  static final String HGRM = ".hgrm";

  private LatencyReader() {}

  /** Latency files under {@code dir} by name (relative path without extension) and extension. */
  static Map<String, Map<String, Path>> find(Path dir) {
    Map<String, Map<String, Path>> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(HLOG) || p.toString().endsWith(HGRM))
          .sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new CompareInputException(dir + ": cannot list folder: " + e.getMessage(), e);
    }
    for (Path f : files) {
      String rel = dir.relativize(f).toString().replace('\\', '/');
      String ext = rel.substring(rel.lastIndexOf('.'));
      String name = rel.substring(0, rel.length() - ext.length());
      out.computeIfAbsent(name, k -> new TreeMap<>()).put(ext, f);
    }
    return out;
  }

  static LatencyDistribution read(Path file) {
    return file.toString().endsWith(HLOG) ? readHlog(file) : readHgrm(file);
  }

  /** All interval histograms of the log, each kept and added into the whole-run distribution. */
  static LatencyDistribution readHlog(Path file) {
    List<LatencyDistribution> intervals = new ArrayList<>();
    Histogram total = null;
    DoubleHistogram totalDouble = null;
    try {
      HistogramLogReader reader = new HistogramLogReader(file.toFile());
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        if (h instanceof Histogram) {
          Histogram ih = (Histogram) h;
          intervals.add(LatencyDistribution.of(ih, List.of()));
          if (total == null) {
            total = new Histogram(ih.getNumberOfSignificantValueDigits());
            total.setAutoResize(true);
          }
          total.add(ih);
        } else if (h instanceof DoubleHistogram) {
          DoubleHistogram dh = (DoubleHistogram) h;
          intervals.add(LatencyDistribution.of(dh, List.of()));
          if (totalDouble == null) {
            totalDouble = new DoubleHistogram(dh.getNumberOfSignificantValueDigits());
          }
          totalDouble.add(dh);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new CompareInputException(file + ": not a readable HdrHistogram log: " + e.getMessage(), e);
    }
    if (total == null && totalDouble == null) {
      throw new CompareInputException(file + ": HdrHistogram log holds no histograms");
    }
    return total != null ? LatencyDistribution.of(total, intervals) : LatencyDistribution.of(totalDouble, intervals);
  }

  /**
   * The rows of a percentile distribution ({@code Value Percentile TotalCount 1/(1-Percentile)}); header and
   * {@code #[...]} summary lines are skipped.
   */
  static LatencyDistribution readHgrm(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new CompareInputException(file + ": unreadable: " + e.getMessage(), e);
    }
    List<double[]> rows = new ArrayList<>();
    for (String line : lines) {
      String t = line.trim();
      if (t.isEmpty() || t.startsWith("#") || Character.isLetter(t.charAt(0))) {
        continue;
      }
      String[] f = t.split("[\\s,]+");
      if (f.length < 3) {
        continue;
      }
      try {
        rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[2])});
      } catch (NumberFormatException e) {
        throw new CompareInputException(file + ": not an HdrHistogram percentile distribution: '" + t + "'", e);
      }
    }
    if (rows.isEmpty()) {
      throw new CompareInputException(file + ": no percentile rows found");
    }
    double[] v = new double[rows.size()];
    long[] c = new long[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      v[i] = rows.get(i)[0];
      c[i] = (long) rows.get(i)[1];
    }
    return new LatencyDistribution(v, c, List.of());
  }
}
