package dev.grpcpool.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code --normalize-by}: expresses every time-based figure relative to a reference benchmark of the same run,
 * so a uniformly slower or faster machine cancels out. The reference's score (the median of its fork means, so
 * one disturbed fork does not rescale the run) gives the run's speed {@code s} (its ops per time, or one over
 * its time per op); rates are divided by {@code s} and times per op multiplied by it. Figures that do not scale
 * with machine speed (B/op) are left as they are, and the reference itself is taken out of the comparison.
 *
 * <p>The reference's own uncertainty (its standard error) travels with every normalized figure and widens the
 * Welch test and the intervals: a noisy reference makes a comparison inconclusive rather than wrong.
 *
 * <p>Stateless and thread-safe.
 */
final class Normalizer {

  private Normalizer() {}

  /** The reference key found in {@code results} for {@code spec}; bad input when none or several match. */
  static BenchmarkKey findReference(String spec, ResultSet results, String side) {
    String[] parts = spec.split(";");
    String name = parts[0].trim();
    Map<String, String> wanted = new TreeMap<>();
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new CompareInputException("--normalize-by " + spec + ": expected NAME[;param=value...], got '"
            + p + "'");
      }
      wanted.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    List<BenchmarkKey> matches = new ArrayList<>();
    for (BenchmarkKey k : results.measurements().keySet()) {
      if (k.isPrimary() && nameMatches(k.benchmark(), name) && variantMatches(k, wanted)) {
        matches.add(k);
      }
    }
    if (matches.isEmpty()) {
      throw new CompareInputException("--normalize-by " + spec + ": no such benchmark in the " + side + " ("
          + results.root() + ")");
    }
    if (matches.size() > 1) {
      throw new CompareInputException("--normalize-by " + spec + " matches " + matches.size() + " results in the "
          + side + " (" + matches.stream().limit(4).map(BenchmarkKey::toString).collect(Collectors.joining("; "))
          + (matches.size() > 4 ? "; …" : "") + "); add ;param=value, ;mode= or ;threads= to pick one");
    }
    return matches.get(0);
  }

  /**
   * {@code results} with time-based figures divided by the run speed measured by {@code reference}. Figures
   * are first brought to {@code ops/s} or {@code s/op}, so runs made with different JMH time units (which
   * change the reference and the figures alike) still compare.
   */
  static ResultSet normalize(ResultSet results, BenchmarkKey reference) {
    Measurement ref = results.measurements().get(reference).converted(
        canonicalUnit(results.measurements().get(reference).unit()));
    double score = ref.robustCenter();
    if (!(score > 0) || !Double.isFinite(score)) {
      throw new CompareInputException("--normalize-by " + reference + ": reference score " + score
          + " in " + results.root() + " cannot normalize");
    }
    double speed = ref.direction() == Direction.LOWER_IS_BETTER ? 1.0 / score : score;
    double relativeVariance = relativeVariance(ref, score);
    Map<BenchmarkKey, Measurement> out = new LinkedHashMap<>();
    for (Map.Entry<BenchmarkKey, Measurement> e : results.measurements().entrySet()) {
      if (e.getKey().equals(reference)) {
        continue;
      }
      Measurement m = e.getValue();
      if (Direction.isTimeBased(m.unit())) {
        m = m.converted(canonicalUnit(m.unit()))
            .scaled(m.direction() == Direction.HIGHER_IS_BETTER ? 1.0 / speed : speed)
            .withScaleVariance(relativeVariance);
      }
      out.put(e.getKey(), m);
    }
    return results.withMeasurements(out);
  }

  /** The reference's score as used for normalizing: the median of its fork means, in its own unit. */
  static double referenceScore(Measurement ref) {
    return ref.robustCenter();
  }

  /**
   * Squared relative standard error of the reference score: from the spread of its fork means, or of its
   * iterations with a single fork, or JMH's error without raw data; 0 when none is known.
   */
  private static double relativeVariance(Measurement ref, double score) {
    double se;
    if (ref.forks().size() >= 2) {
      SampleStats means = ref.forkMeans();
      se = means.stdDev() / Math.sqrt(means.count());
    } else if (ref.hasRawData() && ref.pooled().count() >= 2) {
      SampleStats pooled = ref.pooled();
      se = pooled.stdDev() / Math.sqrt(pooled.count());
    } else {
      se = Double.isFinite(ref.jmhError()) ? ref.jmhError() / 3.2905 : 0.0;
    }
    return Double.isFinite(se) ? (se / score) * (se / score) : 0.0;
  }

  private static String canonicalUnit(String timeBasedUnit) {
    return Direction.fromUnit(timeBasedUnit) == Direction.HIGHER_IS_BETTER ? "ops/s" : "s/op";
  }

  private static boolean nameMatches(String benchmark, String name) {
    return benchmark.equals(name) || benchmark.endsWith("." + name);
  }

  private static boolean variantMatches(BenchmarkKey k, Map<String, String> wanted) {
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      String key = w.getKey().toLowerCase(Locale.ROOT);
      if (key.equals("mode")) {
        if (!k.mode().equals(w.getValue())) {
          return false;
        }
      } else if (key.equals("threads")) {
        if (!String.valueOf(k.threads()).equals(w.getValue())) {
          return false;
        }
      } else if (!w.getValue().equals(k.params().get(w.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
