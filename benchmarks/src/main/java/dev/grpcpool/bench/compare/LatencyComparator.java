package dev.grpcpool.bench.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares p50, p99 and p99.9 of the latency files two run folders have in common. Lower is better. A change
 * must exceed the threshold and be supported: by Welch's t-test on the per-interval percentiles when both
 * {@code .hlog} files have at least three intervals with enough values for that percentile, otherwise by
 * non-overlapping 99.9 % distribution-free intervals of the percentile (order-statistic ranks
 * n·q ± 3.29·√(n·q·(1−q)), which assume independent samples and so are optimistic for latency).
 *
 * <p>Stateless and thread-safe.
 */
final class LatencyComparator {

  static final double[] QUANTILES = {0.50, 0.99, 0.999};
  private static final String[] LABELS = {"p50", "p99", "p99.9"};
  /** z for a two-sided 99.9 % interval. */
  private static final double Z_999 = 3.2905;
  /** A percentile is only estimated from at least this many values beyond it. */
  private static final double MIN_TAIL_VALUES = 10;
  private static final int MIN_INTERVALS = 3;

  private final CompareOptions options;

  LatencyComparator(CompareOptions options) {
    this.options = options;
  }

  List<LatencyComparison> compare(Path baseDir, Path candDir) {
    Map<String, Map<String, Path>> base = LatencyReader.find(baseDir);
    Map<String, Map<String, Path>> cand = LatencyReader.find(candDir);
    List<LatencyComparison> out = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(base.keySet());
    names.addAll(cand.keySet());
    for (String name : names) {
      Map<String, Path> b = base.get(name);
      Map<String, Path> c = cand.get(name);
      if (b == null || c == null) {
        out.add(new LatencyComparison(name, "-", "-", Double.NaN, Double.NaN,
            b == null ? Verdict.NEW : Verdict.MISSING, Rule.ONE_SIDED, Double.NaN,
            b == null ? "not in the baseline" : "not in the candidate"));
        continue;
      }
      String ext = b.containsKey(LatencyReader.HLOG) && c.containsKey(LatencyReader.HLOG)
          ? LatencyReader.HLOG : b.containsKey(LatencyReader.HGRM) && c.containsKey(LatencyReader.HGRM)
              ? LatencyReader.HGRM : null;
      if (ext == null) {
        out.add(new LatencyComparison(name, "-", "-", Double.NaN, Double.NaN, Verdict.INCONCLUSIVE,
            Rule.TOO_LITTLE_DATA, Double.NaN, "one run has only .hlog, the other only .hgrm"));
        continue;
      }
      LatencyDistribution bd = LatencyReader.read(b.get(ext));
      LatencyDistribution cd = LatencyReader.read(c.get(ext));
      for (int i = 0; i < QUANTILES.length; i++) {
        out.add(comparePercentile(name, LABELS[i], QUANTILES[i], ext.substring(1), bd, cd));
      }
    }
    return out;
  }

  private LatencyComparison comparePercentile(String name, String label, double q, String format,
      LatencyDistribution b, LatencyDistribution c) {
    double bv = b.valueAtQuantile(q);
    double cv = c.valueAtQuantile(q);
    long need = (long) Math.ceil(MIN_TAIL_VALUES / (1 - q));
    if (b.totalCount() < need || c.totalCount() < need || !(bv > 0)) {
      return new LatencyComparison(name, label, format, bv, cv, Verdict.INCONCLUSIVE, Rule.TOO_LITTLE_DATA,
          Double.NaN, "fewer than " + need + " values recorded");
    }
    double change = (cv - bv) / bv;
    if (Math.abs(change) <= options.threshold()) {
      return new LatencyComparison(name, label, format, bv, cv, Verdict.UNCHANGED, Rule.THRESHOLD, Double.NaN,
          "within ±" + KeyComparator.thresholdText(options.threshold()));
    }
    Verdict called = change > 0 ? Verdict.REGRESSED : Verdict.IMPROVED;
    SampleStats bi = intervalPercentiles(b, q, need);
    SampleStats ci = intervalPercentiles(c, q, need);
    if (bi.count() >= MIN_INTERVALS && ci.count() >= MIN_INTERVALS) {
      double p = StudentT.welchP(bi, ci);
      boolean sig = p < options.alpha();
      String test = "p=" + KeyComparator.formatP(p) + (sig ? " < " : " ≥ ") + options.alpha() + " ("
          + bi.count() + " vs " + ci.count() + " intervals)";
      return new LatencyComparison(name, label, format, bv, cv, sig ? called : Verdict.INCONCLUSIVE,
          Rule.WELCH, p, sig ? test : test + ": inside the noise");
    }
    double[] bInt = rankInterval(b, q);
    double[] cInt = rankInterval(c, q);
    boolean apart = bInt[1] < cInt[0] || cInt[1] < bInt[0];
    return new LatencyComparison(name, label, format, bv, cv, apart ? called : Verdict.INCONCLUSIVE,
        Rule.INTERVALS, Double.NaN, "99.9% order-statistic intervals " + (apart ? "apart" : "overlap"));
  }

  /** The percentile of each interval that holds enough values for it. */
  private static SampleStats intervalPercentiles(LatencyDistribution d, double q, long need) {
    SampleStats s = SampleStats.EMPTY;
    for (LatencyDistribution i : d.intervals()) {
      if (i.totalCount() >= need) {
        s = s.plus(i.valueAtQuantile(q), 1);
      }
    }
    return s;
  }

  private static double[] rankInterval(LatencyDistribution d, double q) {
    long n = d.totalCount();
    double spread = Z_999 * Math.sqrt(n * q * (1 - q));
    long lo = (long) Math.floor(n * q - spread);
    long hi = (long) Math.ceil(n * q + spread) + 1;
    return new double[] {d.valueAtRank(lo), d.valueAtRank(hi)};
  }
}
