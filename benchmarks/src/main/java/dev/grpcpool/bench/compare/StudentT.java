package dev.grpcpool.bench.compare;

/**
 * Student's t distribution and Welch's unequal-variance t-test, computed from the regularized incomplete
 * beta function so that the comparison needs no statistics library.
 *
 * <p>Accuracy: the continued fraction converges to about 1e-12 relative error for the degrees of freedom and
 * t values a benchmark comparison meets (df from 1 to a few thousand), far finer than a 0.01 significance
 * level needs.
 *
 * <p>This class is stateless and thread-safe.
 */
final class StudentT {

  private static final double EPSILON = 1e-15;
  private static final double TINY = 1e-300;
  private static final int MAX_ITERATIONS = 500;

  private StudentT() {}

  /**
   * Two-sided p-value of a t statistic: the probability that |T| is at least {@code |t|} under the null
   * hypothesis, for {@code df > 0} degrees of freedom (need not be an integer: Welch's df is not).
   */
  static double twoSidedP(double t, double df) {
    if (!(df > 0)) {
      throw new IllegalArgumentException("degrees of freedom must be > 0, was " + df);
    }
    if (Double.isNaN(t)) {
      return Double.NaN;
    }
    if (Double.isInfinite(t)) {
      return 0.0;
    }
    double x = df / (df + t * t);
    return regularizedIncompleteBeta(x, df / 2.0, 0.5);
  }

  /** Cumulative distribution function P(T ≤ t) for {@code df > 0} degrees of freedom. */
  static double cdf(double t, double df) {
    double tail = twoSidedP(t, df) / 2.0;
    return t >= 0 ? 1.0 - tail : tail;
  }

  /**
   * The t value with {@code P(T ≤ t) = p} for {@code 0.5 ≤ p < 1}, found by bisection on {@link #cdf} (the cdf
   * is monotonic; 200 halvings of [0, 1e7] resolve it far below any printed precision).
   */
  static double quantile(double p, double df) {
    if (!(p >= 0.5 && p < 1.0)) {
      throw new IllegalArgumentException("p must be in [0.5, 1), was " + p);
    }
    double lo = 0.0;
    double hi = 1e7;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1.0, hi); i++) {
      double mid = (lo + hi) / 2.0;
      if (cdf(mid, df) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2.0;
  }

  /**
   * Welch's t-test of two independent samples with possibly different variances.
   *
   * @return the two-sided p-value; {@code 0} when both samples have zero variance and different means,
   *     {@code 1} when they have zero variance and equal means
   * @throws IllegalArgumentException if a sample has fewer than two values
   */
  static double welchP(SampleStats a, SampleStats b) {
    if (a.count() < 2 || b.count() < 2) {
      throw new IllegalArgumentException("Welch's test needs at least two values per side");
    }
    double va = a.variance() / a.count();
    double vb = b.variance() / b.count();
    double se2 = va + vb;
    if (se2 == 0.0) {
      return a.mean() == b.mean() ? 1.0 : 0.0;
    }
    double t = (a.mean() - b.mean()) / Math.sqrt(se2);
    double df = se2 * se2
        / (va * va / (a.count() - 1) + vb * vb / (b.count() - 1));
    return twoSidedP(t, df);
  }

  /** I_x(a, b), the regularized incomplete beta function, for 0 ≤ x ≤ 1 and a, b > 0. */
  static double regularizedIncompleteBeta(double x, double a, double b) {
    if (x <= 0.0) {
      return 0.0;
    }
    if (x >= 1.0) {
      return 1.0;
    }
    double lnFront = logGamma(a + b) - logGamma(a) - logGamma(b)
        + a * Math.log(x) + b * Math.log1p(-x);
    double front = Math.exp(lnFront);
    // The continued fraction converges quickly only on one side of the mean a/(a+b); use the symmetry
    // I_x(a,b) = 1 - I_{1-x}(b,a) on the other.
    if (x < (a + 1.0) / (a + b + 2.0)) {
      return front * betaContinuedFraction(x, a, b) / a;
    }
    return 1.0 - front * betaContinuedFraction(1.0 - x, b, a) / b;
  }

  /** Modified Lentz evaluation of the continued fraction for the incomplete beta function. */
  private static double betaContinuedFraction(double x, double a, double b) {
    double qab = a + b;
    double qap = a + 1.0;
    double qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 / nonZero(1.0 - qab * x / qap);
    double h = d;
    for (int m = 1; m <= MAX_ITERATIONS; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1.0 / nonZero(1.0 + aa * d);
      c = nonZero(1.0 + aa / c);
      h *= d * c;
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1.0 / nonZero(1.0 + aa * d);
      c = nonZero(1.0 + aa / c);
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1.0) < EPSILON) {
        return h;
      }
    }
    return h;
  }

  /** Keeps a Lentz term away from zero, where the next division would overflow. */
  private static double nonZero(double v) {
    return Math.abs(v) < TINY ? TINY : v;
  }

  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  };

  /** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, about 15 significant digits). */
  static double logGamma(double x) {
    if (x < 0.5) {
      // Reflection keeps the approximation in its accurate range.
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1.0 - x);
    }
    double z = x - 1.0;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (z + i);
    }
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
