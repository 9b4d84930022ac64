package dev.grpcpool.bench.compare;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of comparing two runs: one row per key, latency rows, what was compared, and the notes a reader
 * needs to trust it (machines, normalization, metrics left out).
 *
 * <p>Immutable and thread-safe.
 */
public final class ComparisonReport {

  private final String baselinePath;
  private final String candidatePath;
  private final Environment baselineEnv;
  private final Environment candidateEnv;
  private final CompareOptions options;
  private final List<KeyComparison> rows;
  private final List<LatencyComparison> latency;
  private final Normalization normalization;
  private final List<String> notes;

  ComparisonReport(String baselinePath, String candidatePath, Environment baselineEnv, Environment candidateEnv,
      CompareOptions options, List<KeyComparison> rows, List<LatencyComparison> latency,
      Normalization normalization, List<String> notes) {
    this.baselinePath = baselinePath;
    this.candidatePath = candidatePath;
    this.baselineEnv = baselineEnv;
    this.candidateEnv = candidateEnv;
    this.options = options;
    this.rows = List.copyOf(rows);
    this.latency = List.copyOf(latency);
    this.normalization = normalization;
    this.notes = List.copyOf(notes);
  }

  public String baselinePath() {
    return baselinePath;
  }

  public String candidatePath() {
    return candidatePath;
  }

  public Environment baselineEnvironment() {
    return baselineEnv;
  }

  public Environment candidateEnvironment() {
    return candidateEnv;
  }

  public CompareOptions options() {
    return options;
  }

  /** One row per key in either run, sorted by benchmark, params, mode, threads and metric. */
  public List<KeyComparison> rows() {
    return rows;
  }

  public List<LatencyComparison> latency() {
    return latency;
  }

  /** The reference used by {@code --normalize-by}, or null. */
  public Normalization normalization() {
    return normalization;
  }

  public List<String> notes() {
    return notes;
  }

  /** Rows per verdict (benchmark rows only). */
  public Map<Verdict, Integer> counts() {
    Map<Verdict, Integer> m = new EnumMap<>(Verdict.class);
    for (Verdict v : Verdict.values()) {
      m.put(v, 0);
    }
    rows.forEach(r -> m.merge(r.verdict(), 1, Integer::sum));
    return m;
  }

  /** Keys that regressed, plus latency percentiles that regressed when latency gates. */
  public int regressions() {
    int n = (int) rows.stream().filter(r -> r.verdict() == Verdict.REGRESSED).count();
    if (options.gateLatency()) {
      n += (int) latency.stream().filter(r -> r.verdict() == Verdict.REGRESSED).count();
    }
    return n;
  }

  /** 0 when nothing gated regressed, 1 when something did. */
  public int exitCode() {
    return regressions() > 0 ? 1 : 0;
  }

  /** The reference benchmark of a normalized comparison and its raw scores on both sides. */
  public static final class Normalization {
    private final BenchmarkKey reference;
    private final String unit;
    private final double baselineScore;
    private final double candidateScore;

    Normalization(BenchmarkKey reference, String unit, double baselineScore, double candidateScore) {
      this.reference = reference;
      this.unit = unit;
      this.baselineScore = baselineScore;
      this.candidateScore = candidateScore;
    }

    public BenchmarkKey reference() {
      return reference;
    }

    public String unit() {
      return unit;
    }

    public double baselineScore() {
      return baselineScore;
    }

    public double candidateScore() {
      return candidateScore;
    }
  }
}
