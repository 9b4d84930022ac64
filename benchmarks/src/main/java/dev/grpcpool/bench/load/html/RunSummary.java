package dev.grpcpool.bench.load.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.load.ClockProbe;
import dev.grpcpool.bench.load.FaultInjector;
import dev.grpcpool.bench.load.RunOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a report shows of one run's {@code summary.json}: when it was measured, its verdict and counts, the
 * per-backend and per-channel figures and the applied faults (read with the records {@link RunOutput} and
 * {@link FaultInjector} wrote them with), the pool's own per-channel counters, and the configuration flattened to
 * {@code setting -> value}. Summaries written before a field existed read with that part empty.
 *
 * <p>Immutable and thread-safe.
 */
public final class RunSummary {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Instant start;
  private final JsonNode root;
  private final List<RunOutput.GroupJson> backends;
  private final List<RunOutput.GroupJson> channels;
  private final List<FaultInjector.AppliedFault> faults;
  private final Map<String, String> configuration;
  private final List<ClockProbe.Offset> clocks;

  private RunSummary(String name, Instant start, JsonNode root, List<RunOutput.GroupJson> backends,
      List<RunOutput.GroupJson> channels, List<FaultInjector.AppliedFault> faults, Map<String, String> configuration,
      List<ClockProbe.Offset> clocks) {
    this.name = name;
    this.start = start;
    this.root = root;
    this.backends = List.copyOf(backends);
    this.channels = List.copyOf(channels);
    this.faults = List.copyOf(faults);
    this.configuration = Collections.unmodifiableMap(configuration);
    this.clocks = List.copyOf(clocks);
  }

  /**
   * Reads {@code file}, the summary of the run called {@code name}.
   *
   * @throws IllegalArgumentException in one line, if it cannot be read, is not valid JSON (a truncated file), or is
   *     not a load run's summary
   */
  static RunSummary read(String name, Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      // Jackson's own message spans lines and quotes the source; the CLI promises one line.
      throw new IllegalArgumentException(file + " is not valid JSON (truncated?) at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + " is empty or not a JSON object: not a load run summary");
    }
    for (String field : List.of("startTime", "sent", "ok")) {
      if (!root.has(field)) {
        throw new IllegalArgumentException(file + " has no \"" + field + "\": not a load run summary");
      }
    }
    Instant start;
    try {
      start = Instant.parse(root.path("startTime").asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(file + ": startTime '" + root.path("startTime").asText()
          + "' is not a time such as 2026-11-30T12:00:00Z");
    }
    try {
      return new RunSummary(name, start, root, list(root.path("backends"), new TypeReference<>() {}),
          list(root.path("channels"), new TypeReference<>() {}), list(root.path("faults"), new TypeReference<>() {}),
          flatten(root.path("configuration")), list(root.path("clocks"), new TypeReference<>() {}));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " has a malformed part: " + firstLine(e.getMessage()));
    }
  }

  private static <T> List<T> list(JsonNode node, TypeReference<List<T>> type) {
    return node.isArray() ? JSON.convertValue(node, type) : List.of();
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }

  /** Nested settings as {@code channel.strategy -> ROUND_ROBIN}; lists of plain values joined by commas. */
  private static Map<String, String> flatten(JsonNode configuration) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", configuration, out);
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonNode n : node) {
        parts.add(n.isValueNode() ? n.asText() : n.toString());
      }
      out.put(prefix, parts.isEmpty() ? "none" : String.join(", ", parts));
    } else if (!node.isMissingNode()) {
      out.put(prefix, node.isNull() ? "-" : node.asText());
    }
  }

  /** The run's name in the report (its folder's name). */
  public String name() {
    return name;
  }

  /** The start of the measurement (after the warm-up). */
  public Instant start() {
    return start;
  }

  public String mode() {
    return root.path("mode").asText("");
  }

  /** The verdict's outcome, e.g. {@code HELD} or {@code ERRORS}; empty for summaries written before verdicts. */
  public String outcome() {
    return root.at("/verdict/outcome").asText("");
  }

  /** Each finding of the verdict as "headline: detail", worst first. */
  public List<String> findings() {
    List<String> out = new ArrayList<>();
    for (JsonNode f : root.at("/verdict/findings")) {
      out.add(f.path("headline").asText() + ": " + f.path("detail").asText());
    }
    return out;
  }

  public boolean interrupted() {
    return root.path("interrupted").asBoolean();
  }

  /** How the warm-up went, as the run described it. */
  public String warmup() {
    return root.path("warmup").asText("");
  }

  public double measuredSeconds() {
    return root.path("measuredSeconds").asDouble(Double.NaN);
  }

  public long sent() {
    return root.path("sent").asLong();
  }

  public long ok() {
    return root.path("ok").asLong();
  }

  /** Calls that failed ("errors" in summaries written before the counts were made to add up). */
  public long failed() {
    return root.has("failed") ? root.path("failed").asLong() : root.path("errors").asLong();
  }

  public long unfinished() {
    return root.path("unfinished").asLong();
  }

  /** Ok calls per second of the measurement. */
  public double achievedRate() {
    return root.path("achievedRate").asDouble();
  }

  public List<RunOutput.GroupJson> backends() {
    return backends;
  }

  public List<RunOutput.GroupJson> channels() {
    return channels;
  }

  /** The faults as applied, with their times from the start of the measurement; empty for a run without. */
  public List<FaultInjector.AppliedFault> faults() {
    return faults;
  }

  /** The pool's own counters per channel ({@code index, target, calls, failed, ...}); empty without a pool. */
  public List<Map<String, String>> poolChannels() {
    List<Map<String, String>> out = new ArrayList<>();
    for (JsonNode c : root.at("/pool/channels")) {
      Map<String, String> row = new LinkedHashMap<>();
      c.fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue().isNull() ? "-" : e.getValue().asText()));
      out.add(row);
    }
    return out;
  }

  /** The pool's reconnects and no-healthy fallbacks over the measurement; empty without a pool. */
  public Map<String, String> poolCounters() {
    Map<String, String> out = new LinkedHashMap<>();
    root.path("pool").fields().forEachRemaining(e -> {
      if (e.getValue().isValueNode()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    });
    return out;
  }

  /**
   * The backends' clocks against this generator's, read before a run with a shared start; empty when the run had
   * none, or its target did not tell its time.
   */
  public List<ClockProbe.Offset> clocks() {
    return clocks;
  }

  /** Every setting of the run's configuration, in the order written. */
  public Map<String, String> configuration() {
    return configuration;
  }
}
