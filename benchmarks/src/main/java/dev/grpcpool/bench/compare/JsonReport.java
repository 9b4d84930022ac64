package dev.grpcpool.bench.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The machine-readable form of a {@link ComparisonReport} ({@code --json FILE}): options, machines, summary
 * counts and one object per key with scores, errors, forks, change, verdict, rule, p-value and detail.
 * Unknown numbers are written as {@code null}.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonReport {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static String render(ComparisonReport r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("baseline", r.baselinePath());
    root.put("candidate", r.candidatePath());
    root.put("baselineEnvironment", r.baselineEnvironment().toString());
    root.put("candidateEnvironment", r.candidateEnvironment().toString());
    ObjectNode opts = root.putObject("options");
    opts.put("threshold", r.options().threshold());
    opts.put("alpha", r.options().alpha());
    opts.put("minForks", r.options().minForks());
    opts.put("normalizeBy", r.options().normalizeBy());
    opts.put("gateLatency", r.options().gateLatency());
    if (r.normalization() != null) {
      ObjectNode n = root.putObject("normalization");
      n.put("reference", r.normalization().reference().toString());
      n.put("unit", r.normalization().unit());
      num(n, "baselineScore", r.normalization().baselineScore());
      num(n, "candidateScore", r.normalization().candidateScore());
    }
    ObjectNode summary = root.putObject("summary");
    for (Map.Entry<Verdict, Integer> e : r.counts().entrySet()) {
      summary.put(e.getKey().label(), e.getValue());
    }
    summary.put("regressions", r.regressions());
    summary.put("exitCode", r.exitCode());
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);

    ArrayNode results = root.putArray("results");
    for (KeyComparison k : r.rows()) {
      ObjectNode o = results.addObject();
      o.put("benchmark", k.key().benchmark());
      o.put("metric", k.key().isPrimary() ? null : k.key().metric());
      o.put("mode", k.key().mode());
      o.put("threads", k.key().threads());
      ObjectNode params = o.putObject("params");
      k.key().params().forEach(params::put);
      o.put("unit", k.unit());
      o.put("direction", k.direction().name().toLowerCase(java.util.Locale.ROOT));
      side(o, "baseline", k.baseline());
      side(o, "candidate", k.candidate());
      num(o, "change", k.change());
      o.put("verdict", k.verdict().label());
      o.put("rule", k.rule().label());
      num(o, "pValue", k.pValue());
      o.put("detail", k.detail());
    }
    ArrayNode latency = root.putArray("latency");
    for (LatencyComparison l : r.latency()) {
      ObjectNode o = latency.addObject();
      o.put("name", l.name());
      o.put("percentile", l.percentile());
      o.put("format", l.format());
      num(o, "baseline", l.baseline());
      num(o, "candidate", l.candidate());
      num(o, "change", l.change());
      o.put("verdict", l.verdict().label());
      o.put("rule", l.rule().label());
      num(o, "pValue", l.pValue());
      o.put("detail", l.detail());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render the comparison as JSON", e);
    }
  }

  private static void side(ObjectNode o, String name, KeyComparison.Side s) {
    if (s == null) {
      o.putNull(name);
      return;
    }
    ObjectNode n = o.putObject(name);
    num(n, "score", s.score());
    num(n, "error", s.error());
    n.put("forks", s.forks());
    ArrayNode means = n.putArray("forkMeans");
    for (double m : s.forkMeans()) {
      means.add(m);
    }
  }

  private static void num(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) {
      o.put(field, v);
    } else {
      o.putNull(field);
    }
  }
}
