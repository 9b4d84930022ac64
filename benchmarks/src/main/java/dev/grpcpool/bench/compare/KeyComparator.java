package dev.grpcpool.bench.compare;

import java.util.Locale;

/**
 * Decides the verdict for one key from the two measurements, in this order:
 * <ol>
 *   <li>one side absent: {@link Verdict#MISSING} or {@link Verdict#NEW};
 *   <li>no usable score, units that cannot be converted, or fewer than two values on a side:
 *       {@link Verdict#INCONCLUSIVE} ({@link Rule#TOO_LITTLE_DATA});
 *   <li>allocation figures less than 1 B/op apart: {@link Verdict#UNCHANGED} ({@link Rule#ALLOCATION_FLOOR});
 *   <li>change no larger than the threshold: {@link Verdict#UNCHANGED} ({@link Rule#THRESHOLD});
 *   <li>at least {@code minForks} forks per side: Welch's t-test on the per-fork means, p &lt; alpha
 *       ({@link Rule#WELCH}); otherwise the 99.9 % intervals of the pooled iterations must not overlap
 *       ({@link Rule#INTERVALS}); without raw data JMH's score ± error intervals must not overlap
 *       ({@link Rule#JMH_ERROR}). Supported: {@link Verdict#REGRESSED} or {@link Verdict#IMPROVED} by the
 *       unit's direction; not supported: {@link Verdict#INCONCLUSIVE}.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
final class KeyComparator {

  /** JMH's confidence level for its error; the interval rule uses the same so the table matches JMH's. */
  static final double INTERVAL_CONFIDENCE = 0.999;
  /** z for a two-sided 99.9 % interval of a normal error. */
  private static final double Z_999 = 3.2905;

  private final CompareOptions options;

  KeyComparator(CompareOptions options) {
    this.options = options;
  }

  KeyComparison compare(BenchmarkKey key, Measurement base, Measurement cand) {
    if (cand == null) {
      return new KeyComparison(key, base.unit(), base.direction(), side(base), null, Verdict.MISSING,
          Rule.ONE_SIDED, Double.NaN, "not in the candidate");
    }
    if (base == null) {
      return new KeyComparison(key, cand.unit(), cand.direction(), null, side(cand), Verdict.NEW,
          Rule.ONE_SIDED, Double.NaN, "not in the baseline");
    }
    Direction direction = base.direction();
    double factor = Direction.conversion(cand.unit(), base.unit());
    if (Double.isNaN(factor)) {
      return inconclusive(key, base, cand, "units differ: " + base.unit() + " vs " + cand.unit());
    }
    if (factor != 1.0) {
      cand = cand.scaled(factor);
    }
    Side b = new Side(base);
    Side c = new Side(cand);
    if (direction == Direction.NONE) {
      return inconclusive(key, base, cand, "unit " + base.unit() + " says neither higher nor lower is better");
    }
    if (!Double.isFinite(b.center) || !Double.isFinite(c.center) || b.center == 0) {
      return inconclusive(key, base, cand, "no usable score");
    }
    if (b.tooLittle() || c.tooLittle()) {
      String which = b.tooLittle() ? "baseline" : "candidate";
      return inconclusive(key, base, cand, "a single measured value in the " + which
          + " (run more iterations or forks)");
    }
    double improvement = direction.improvement(b.center, c.center);

    if (base.unit().trim().equalsIgnoreCase("B/op") && Math.abs(c.center - b.center) < 1.0) {
      return result(key, base, cand, Verdict.UNCHANGED, Rule.ALLOCATION_FLOOR, Double.NaN,
          "less than 1 B/op apart");
    }
    if (Math.abs(improvement) <= options.threshold()) {
      return result(key, base, cand, Verdict.UNCHANGED, Rule.THRESHOLD, Double.NaN,
          "within ±" + thresholdText(options.threshold()));
    }

    Verdict called = improvement < 0 ? Verdict.REGRESSED : Verdict.IMPROVED;
    if (base.forks().size() >= options.minForks() && cand.forks().size() >= options.minForks()) {
      double p = StudentT.welchP(base.forkMeans(), cand.forkMeans());
      boolean significant = p < options.alpha();
      String test = "p=" + formatP(p) + (significant ? " < " : " ≥ ") + options.alpha()
          + " (" + base.forks().size() + " vs " + cand.forks().size() + " forks)";
      return result(key, base, cand, significant ? called : Verdict.INCONCLUSIVE, Rule.WELCH, p,
          significant ? test : test + ": inside the noise");
    }
    Rule rule = base.hasRawData() && cand.hasRawData() ? Rule.INTERVALS : Rule.JMH_ERROR;
    boolean apart = b.mid + b.error < c.mid - c.error || c.mid + c.error < b.mid - b.error;
    String what = rule == Rule.INTERVALS
        ? "99.9% intervals of pooled iterations (" + base.forks().size() + " vs " + cand.forks().size()
            + " forks, too few for a test)"
        : "JMH's 99.9% errors (no raw data)";
    return result(key, base, cand, apart ? called : Verdict.INCONCLUSIVE, rule, Double.NaN,
        apart ? what + " apart" : what + " overlap: inside the noise");
  }

  private KeyComparison inconclusive(BenchmarkKey key, Measurement base, Measurement cand, String why) {
    return result(key, base, cand, Verdict.INCONCLUSIVE, Rule.TOO_LITTLE_DATA, Double.NaN, why);
  }

  private static KeyComparison result(BenchmarkKey key, Measurement base, Measurement cand, Verdict verdict,
      Rule rule, double p, String detail) {
    return new KeyComparison(key, base.unit(), base.direction(), side(base), side(cand), verdict, rule, p,
        detail);
  }

  private static KeyComparison.Side side(Measurement m) {
    Side s = new Side(m);
    return new KeyComparison.Side(s.center, s.error, m.forks().stream().mapToDouble(SampleStats::mean).toArray());
  }

  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
  }

  /** {@code 10%}, {@code 7.5%}. */
  static String thresholdText(double fraction) {
    return new java.math.BigDecimal(fraction * 100).round(new java.math.MathContext(4)).stripTrailingZeros()
        .toPlainString() + "%";
  }

  static String formatP(double p) {
    if (p < 1e-4) {
      return String.format(Locale.ROOT, "%.1e", p);
    }
    return String.format(Locale.ROOT, "%.4f", p);
  }

  /** Center and interval half-width of one side, from raw data when there is some. */
  private static final class Side {
    final double center;
    /** Center of the interval: the pooled mean, which weights forks by their sample counts. */
    final double mid;
    final double error;
    final long values;

    Side(Measurement m) {
      double hw;
      if (m.hasRawData()) {
        SampleStats pooled = m.pooled();
        center = m.center();
        mid = pooled.mean();
        hw = pooled.confidenceHalfWidth(INTERVAL_CONFIDENCE);
        values = pooled.count();
      } else {
        center = m.jmhScore();
        mid = center;
        hw = m.jmhError();
        values = Double.isFinite(hw) ? 2 : 1;
      }
      // A normalization factor's own uncertainty widens the interval (added in quadrature).
      double scale = Z_999 * center * Math.sqrt(m.scaleVariance());
      error = Math.sqrt(hw * hw + scale * scale);
    }

    boolean tooLittle() {
      return values < 2 || !Double.isFinite(error);
    }
  }
}
