package dev.grpcpool.bench.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares two JMH runs (files or folders of JMH JSON) key by key and, for run folders, their latency files:
 * the entry point of the regression gate. See {@link KeyComparator} for the verdict rules and
 * {@link LatencyComparator} for latency.
 *
 * <p>Bad input throws {@link CompareInputException}: a missing or unreadable path, a file that is not JMH
 * result JSON, no key in common, a {@code --normalize-by} reference that is absent or ambiguous, and raw scores
 * measured on different machines (CPU, cores, JDK) unless normalized or explicitly allowed.
 *
 * <p>Stateless and thread-safe.
 */
public final class Comparison {

  private Comparison() {}

  public static ComparisonReport compare(Path baseline, Path candidate, CompareOptions options) {
    ResultSet base = JmhJsonReader.read(baseline);
    ResultSet cand = JmhJsonReader.read(candidate);
    List<String> notes = new ArrayList<>();

    List<String> mismatch = base.environment().mismatches(cand.environment());
    if (!mismatch.isEmpty()) {
      String what = String.join(", ", mismatch);
      if (options.normalizeBy() == null && !options.allowEnvMismatch()) {
        throw new CompareInputException("baseline (" + baseline + ") and candidate (" + candidate
            + ") were measured on different machines (" + what + "); raw scores are not comparable: use "
            + "--normalize-by BENCHMARK, or --allow-env-mismatch to compare anyway");
      }
      notes.add("Different machines (" + what + "): "
          + (options.normalizeBy() != null ? "scores normalized." : "compared anyway (--allow-env-mismatch)."));
    }
    if (!base.environment().hasMachine() || !cand.environment().hasMachine()) {
      notes.add("CPU and cores not recorded for the "
          + (!base.environment().hasMachine() && !cand.environment().hasMachine() ? "baseline and candidate"
              : !base.environment().hasMachine() ? "baseline" : "candidate")
          + " (no " + Environment.FILE_NAME + " beside the JMH JSON): only the JDK was checked.");
    }

    TreeSet<BenchmarkKey> common = new TreeSet<>(base.measurements().keySet());
    common.retainAll(cand.measurements().keySet());
    if (common.isEmpty()) {
      throw new CompareInputException("nothing in common: baseline " + baseline + " has "
          + sample(base) + "; candidate " + candidate + " has " + sample(cand)
          + " (keys are benchmark, mode, threads and params)");
    }

    ComparisonReport.Normalization normalization = null;
    if (options.normalizeBy() != null) {
      BenchmarkKey refB = Normalizer.findReference(options.normalizeBy(), base, "baseline");
      BenchmarkKey refC = Normalizer.findReference(options.normalizeBy(), cand, "candidate");
      if (!refB.equalsIgnoringPackage(refC)) {
        throw new CompareInputException("--normalize-by " + options.normalizeBy() + " names " + refB
            + " in the baseline but " + refC + " in the candidate");
      }
      Measurement mb = base.measurements().get(refB);
      Measurement mc = cand.measurements().get(refC);
      double cScore = Normalizer.referenceScore(mc) * Direction.conversion(mc.unit(), mb.unit());
      normalization =
          new ComparisonReport.Normalization(refB, mb.unit(), Normalizer.referenceScore(mb), cScore);
      base = Normalizer.normalize(base, refB);
      cand = Normalizer.normalize(cand, refC);
      if (base.measurements().keySet().stream().noneMatch(cand.measurements()::containsKey)) {
        throw new CompareInputException("nothing in common besides the --normalize-by reference: baseline "
            + baseline + " has " + sample(base) + "; candidate " + candidate + " has " + sample(cand));
      }
    }

    for (ResultSet side : List.of(base, cand)) {
      if (!side.undirectedMetrics().isEmpty()) {
        notes.add("Not gated (unit has no better direction): " + String.join(", ", side.undirectedMetrics())
            + ".");
        break;
      }
    }

    KeyComparator comparator = new KeyComparator(options);
    TreeSet<BenchmarkKey> all = new TreeSet<>(base.measurements().keySet());
    all.addAll(cand.measurements().keySet());
    List<KeyComparison> rows = new ArrayList<>();
    for (BenchmarkKey k : all) {
      rows.add(comparator.compare(k, base.measurements().get(k), cand.measurements().get(k)));
    }

    List<LatencyComparison> latency = List.of();
    if (Files.isDirectory(baseline) && Files.isDirectory(candidate)) {
      latency = new LatencyComparator(options).compare(baseline, candidate);
    }
    return new ComparisonReport(baseline.toString(), candidate.toString(), base.environment(),
        cand.environment(), options, rows, latency, normalization, notes);
  }

  private static String sample(ResultSet r) {
    return r.measurements().size() + " key" + (r.measurements().size() == 1 ? "" : "s") + " ("
        + r.measurements().keySet().stream().limit(3).map(BenchmarkKey::toString)
            .collect(Collectors.joining("; "))
        + (r.measurements().size() > 3 ? "; …" : "") + ")";
  }
}
