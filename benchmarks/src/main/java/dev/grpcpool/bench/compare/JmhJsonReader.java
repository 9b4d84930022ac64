package dev.grpcpool.bench.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads JMH result JSON ({@code -rf json}) in every mode: {@code thrpt}, {@code avgt} and {@code ss} with
 * {@code rawData} (forks × iterations) and {@code sample} with {@code rawDataHistogram} (forks × iterations ×
 * [value, count]). A folder is searched recursively: its {@code .json} files that are not JMH results (the
 * machine description, load-generator summaries) are skipped, but a file that is not valid JSON is an error.
 * Results with the same key in several files (repeated runs) are pooled fork by fork.
 *
 * <p>Secondary metrics are read with and without JMH's old {@code ·} prefix; those whose unit gives no better
 * direction ({@code gc.count}, {@code gc.time}) and the percentile summaries of {@code sample} mode are left
 * out. A {@code "NaN"} score error and absent raw data are accepted (the comparison then has less to go on).
 *
 * <p>Stateless and thread-safe.
 */
final class JmhJsonReader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> MODES = Set.of("thrpt", "avgt", "sample", "ss");
  private static final Pattern PERCENTILE_METRIC = Pattern.compile("(.*·)?p\\d+(\\.\\d+)?");

  private JmhJsonReader() {}

  /** Reads a JMH JSON file, or every JMH JSON file under a folder. */
  static ResultSet read(Path path) {
    if (!Files.exists(path)) {
      throw new CompareInputException(path + ": no such file or directory");
    }
    if (!Files.isReadable(path)) {
      throw new CompareInputException(path + ": not readable");
    }
    List<Path> candidates;
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        candidates = walk
            .filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")
                && !p.getFileName().toString().equals(Environment.FILE_NAME))
            .sorted()
            .collect(Collectors.toList());
      } catch (IOException e) {
        throw new CompareInputException(path + ": cannot list folder: " + e.getMessage(), e);
      }
    } else {
      candidates = List.of(path);
    }

    Map<BenchmarkKey, Measurement> all = new LinkedHashMap<>();
    Set<String> undirected = new TreeSet<>();
    List<Path> jmhFiles = new ArrayList<>();
    String[] jdk = new String[3];
    for (Path file : candidates) {
      JsonNode root = parse(file);
      String notJmh = whyNotJmh(root);
      if (notJmh != null) {
        if (!Files.isDirectory(path)) {
          throw new CompareInputException(file + ": not JMH result JSON: " + notJmh);
        }
        continue;
      }
      jmhFiles.add(file);
      for (JsonNode bench : root) {
        readBenchmark(file, bench, all, undirected);
        if (jdk[0] == null) {
          jdk[0] = textOrNull(bench, "jdkVersion");
          jdk[1] = textOrNull(bench, "vmName");
          jdk[2] = textOrNull(bench, "vmVersion");
        }
      }
    }
    if (jmhFiles.isEmpty()) {
      throw new CompareInputException(path + ": no JMH result JSON found (looked at " + candidates.size()
          + " .json file" + (candidates.size() == 1 ? "" : "s") + ")");
    }
    Environment env = findEnvironment(path, jmhFiles.get(0)).withJdk(jdk[0], jdk[1], jdk[2]);
    return new ResultSet(path, all, env, jmhFiles, undirected);
  }

  private static JsonNode parse(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CompareInputException(file + ": unreadable: " + e.getMessage(), e);
    }
    if (text.isBlank()) {
      throw new CompareInputException(file + ": empty file, expected JMH result JSON");
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CompareInputException(file + ": " + notValid(e), e);
    }
  }

  /**
   * "not valid JSON at line 3, column 7: Unexpected end-of-input": Jackson's own message without the lines it
   * adds about source locations and its settings, so that bad input stays a one-line error.
   */
  static String notValid(JsonProcessingException e) {
    String where = e.getLocation() == null ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    return "not valid JSON" + where + ": " + e.getOriginalMessage().replace('\n', ' ');
  }

  /** Null when {@code root} has the shape of JMH results, otherwise what is wrong with it. */
  private static String whyNotJmh(JsonNode root) {
    if (root == null || !root.isArray()) {
      return "expected an array of benchmark results";
    }
    if (root.isEmpty()) {
      return "the array holds no benchmark results";
    }
    int i = 0;
    for (JsonNode b : root) {
      if (!b.isObject() || !b.path("benchmark").isTextual()) {
        return "element " + i + " has no \"benchmark\" name";
      }
      if (!b.path("mode").isTextual()) {
        return "element " + i + " (" + b.get("benchmark").asText() + ") has no \"mode\"";
      }
      JsonNode pm = b.path("primaryMetric");
      if (!pm.isObject() || !pm.has("score") || !pm.path("scoreUnit").isTextual()) {
        return "element " + i + " (" + b.get("benchmark").asText()
            + ") has no \"primaryMetric\" with \"score\" and \"scoreUnit\"";
      }
      i++;
    }
    return null;
  }

  private static void readBenchmark(Path file, JsonNode b, Map<BenchmarkKey, Measurement> out,
      Set<String> undirected) {
    String name = b.get("benchmark").asText();
    String mode = b.get("mode").asText();
    if (!MODES.contains(mode)) {
      throw new CompareInputException(file + ": " + name + " has unknown mode \"" + mode
          + "\" (expected thrpt, avgt, sample or ss)");
    }
    int threads = b.path("threads").asInt(1);
    Map<String, String> params = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = b.path("params").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      params.put(e.getKey(), e.getValue().asText());
    }
    BenchmarkKey key = new BenchmarkKey(name, "", mode, threads, params);
    put(out, metric(file, key, b.get("primaryMetric")));

    Iterator<Map.Entry<String, JsonNode>> sec = b.path("secondaryMetrics").fields();
    while (sec.hasNext()) {
      Map.Entry<String, JsonNode> e = sec.next();
      String metricName = stripLegacyPrefix(e.getKey());
      if (PERCENTILE_METRIC.matcher(e.getKey()).matches() || !e.getValue().isObject()) {
        continue;
      }
      BenchmarkKey secKey = new BenchmarkKey(name, metricName, mode, threads, params);
      Measurement m = metric(file, secKey, e.getValue());
      if (m.direction() == Direction.NONE) {
        undirected.add(metricName + " (" + m.unit() + ")");
      } else {
        put(out, m);
      }
    }
  }

  /** JMH before 1.23 named secondary metrics {@code ·gc.alloc.rate.norm}; both spellings are one metric. */
  static String stripLegacyPrefix(String metric) {
    String m = metric.trim();
    while (m.startsWith("·") || m.startsWith(":")) {
      m = m.substring(1);
    }
    return m;
  }

  private static void put(Map<BenchmarkKey, Measurement> out, Measurement m) {
    out.merge(m.key(), m, Measurement::merge);
  }

  private static Measurement metric(Path file, BenchmarkKey key, JsonNode m) {
    String unit = m.path("scoreUnit").asText("");
    double score = number(m.get("score"));
    double error = number(m.get("scoreError"));
    List<SampleStats> forks = new ArrayList<>();
    JsonNode raw = m.get("rawData");
    JsonNode hist = m.get("rawDataHistogram");
    if (raw != null && raw.isArray()) {
      for (JsonNode fork : raw) {
        SampleStats s = SampleStats.EMPTY;
        for (JsonNode v : fork) {
          s = s.plus(number(v), 1);
        }
        if (s.count() > 0) {
          forks.add(s);
        }
      }
    } else if (hist != null && hist.isArray()) {
      for (JsonNode fork : hist) {
        SampleStats s = SampleStats.EMPTY;
        for (JsonNode iteration : fork) {
          for (JsonNode bucket : iteration) {
            if (bucket.isArray() && bucket.size() >= 2) {
              s = s.plus(number(bucket.get(0)), bucket.get(1).asLong(0));
            }
          }
        }
        if (s.count() > 0) {
          forks.add(s);
        }
      }
    }
    return new Measurement(key, unit, forks, score, error, file.toString());
  }

  /** A JSON number, or JMH's quoted {@code "NaN"} / {@code "Infinity"}; anything else is NaN. */
  private static double number(JsonNode n) {
    if (n == null || n.isNull()) {
      return Double.NaN;
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      try {
        return Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  private static String textOrNull(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The env.json in the JSON file's folder or the nearest parent up to the path the user named. */
  private static Environment findEnvironment(Path root, Path jsonFile) {
    Path stop = Files.isDirectory(root) ? root.toAbsolutePath().normalize() : null;
    Path dir = jsonFile.toAbsolutePath().normalize().getParent();
    while (dir != null) {
      Path env = dir.resolve(Environment.FILE_NAME);
      if (Files.isRegularFile(env)) {
        return Environment.read(env);
      }
      if (stop == null || dir.equals(stop)) {
        break;
      }
      dir = dir.getParent();
    }
    return Environment.UNKNOWN;
  }
}
