import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * The checks of scripts/generators-check, run as a source file on the benchmarks jar's class path:
 * java -cp benchmarks.jar scripts/lib/GeneratorsCheck.java ASKED_RATE REPORT_STDOUT RUN_DIR...
 *
 * Reads each generator's summary.json and latency.hlog itself (not through the report's code), adds every
 * interval of every log into one histogram, and checks the merged report against it. Prints one line per check;
 * exits 0 when all held, 1 when one did not.
 */
public class GeneratorsCheck {
  public static void main(String[] args) throws Exception {
    double asked = Double.parseDouble(args[0]);
    List<String> report = Files.readAllLines(Path.of(args[1]));
    ObjectMapper json = new ObjectMapper();
    Histogram all = new Histogram(3);
    long sumOfCounts = 0;
    long sent = 0;
    double achieved = 0;
    List<Instant> starts = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      Path dir = Path.of(args[i]);
      JsonNode s = json.readTree(dir.resolve("summary.json").toFile());
      starts.add(Instant.parse(s.path("startTime").asText()));
      sent += s.path("sent").asLong();
      achieved += s.path("achievedRate").asDouble();
      Histogram own = new Histogram(3);
      HistogramLogReader reader = new HistogramLogReader(dir.resolve("latency.hlog").toFile());
      for (EncodableHistogram e = reader.nextIntervalHistogram(); e != null; e = reader.nextIntervalHistogram()) {
        own.add((Histogram) e);
      }
      sumOfCounts += own.getTotalCount();
      all.add(own);
    }
    long first = starts.stream().mapToLong(Instant::toEpochMilli).min().orElseThrow();
    long last = starts.stream().mapToLong(Instant::toEpochMilli).max().orElseThrow();
    String union = String.format(Locale.ROOT, "  corrected latency ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f",
        all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(99) / 1000.0,
        all.getValueAtPercentile(99.9) / 1000.0, all.getMaxValue() / 1000.0);
    String merged = report.stream().filter(l -> l.startsWith("merged (")).findFirst().orElse("");
    String mergedLatency = report.stream().filter(l -> l.startsWith("  corrected latency ms:")).findFirst().orElse("");

    boolean ok = true;
    ok &= check(last - first <= 50, String.format(Locale.ROOT,
        "measured windows start within 50 ms of each other: %d ms apart (%s .. %s)", last - first,
        Instant.ofEpochMilli(first), Instant.ofEpochMilli(last)));
    ok &= check(merged.startsWith("merged (" + (args.length - 2) + " runs): " + sumOfCounts + " calls in the interval log, "
        + sent + " sent"), "merged count = sum of the generators' counts (" + sumOfCounts + " in the logs, " + sent
        + " sent): report says '" + merged + "'");
    ok &= check(all.getTotalCount() == sumOfCounts, "one histogram of all intervals holds " + all.getTotalCount()
        + " calls");
    ok &= check(union.equals(mergedLatency), "merged percentiles = those of one histogram of all runs' values:"
        + System.lineSeparator() + "    report:    " + mergedLatency.trim() + System.lineSeparator()
        + "    histogram: " + union.trim());
    double off = Math.abs(achieved - asked) / asked * 100;
    ok &= check(off <= 2, String.format(Locale.ROOT,
        "merged achieved rate within 2 %% of the asked %.0f calls/s: %.1f ok calls/s (%.2f %% off)", asked,
        achieved, off));
    System.exit(ok ? 0 : 1);
  }

  private static boolean check(boolean held, String what) {
    System.out.println((held ? "ok    " : "FAIL  ") + what);
    return held;
  }
}
