package dev.grpcpool.core.sizing;

/**
 * Exact expectations for {@code c} balls thrown uniformly at random into {@code b} bins: the channels of a
 * pool, each pinned to a backend that a random layer-4 balancer chose for its connection.
 *
 * <p>Stateless and thread-safe.
 */
final class BallsIntoBins {

  /** The bound on the probability left out below which {@link #expectedBallsOverMaxLoad} stops summing. */
  private static final double NEGLIGIBLE = 1e-12;

  private BallsIntoBins() {}

  /** Expected bins holding at least one ball: {@code b × (1 − (1 − 1/b)^c)}. */
  static double expectedBinsHit(int b, int c) {
    return b * -Math.expm1(c * Math.log1p(-1.0 / b));
  }

  /**
   * {@code E[c ÷ max load]}, the expected balls per ball in the fullest bin. A round-robin pick gives every
   * channel the same share of calls, so the backend holding the most channels saturates first and the pool
   * carries {@code c ÷ maxLoad} times one backend's capacity.
   */
  static double expectedBallsOverMaxLoad(int b, int c) {
    double[] logFactorial = logFactorials(c);
    double expected = 0;
    double atMostPrevious = 0;
    for (int m = (c + b - 1) / b; m <= c; m++) {
      double atMost = probabilityMaxLoadAtMost(b, c, m, logFactorial);
      expected += (atMost - atMostPrevious) * c / m;
      atMostPrevious = atMost;
      // Rounding keeps the computed probability a hair off 1, so stop on a bound instead: by the union bound,
      // P(max load > m) ≤ b × P(one bin holds more than m).
      if (b * binomialUpperTail(c, 1.0 / b, m, logFactorial) < NEGLIGIBLE) {
        break;
      }
    }
    return expected;
  }

  /**
   * P(no bin holds more than {@code m} of {@code c} balls in {@code b} bins): throws the balls bin by bin, each
   * bin taking a binomial share of what is left, and keeps only the outcomes where every bin stays at most m.
   */
  private static double probabilityMaxLoadAtMost(int b, int c, int m, double[] logFactorial) {
    // ok[r]: the probability that r balls left for the bins not yet filled all land within the bound.
    double[] ok = new double[c + 1];
    for (int r = 0; r <= c; r++) {
      ok[r] = r <= m ? 1 : 0;
    }
    for (int binsLeft = 2; binsLeft <= b; binsLeft++) {
      double logP = -Math.log(binsLeft);
      double logQ = Math.log1p(-1.0 / binsLeft);
      double[] next = new double[c + 1];
      for (int r = 0; r <= c; r++) {
        double sum = 0;
        for (int k = 0; k <= Math.min(m, r); k++) {
          double logPmf = logFactorial[r] - logFactorial[k] - logFactorial[r - k] + k * logP + (r - k) * logQ;
          sum += Math.exp(logPmf) * ok[r - k];
        }
        next[r] = sum;
      }
      ok = next;
    }
    return Math.min(1, ok[c]);
  }

  /** P(X > m) for X ~ Binomial(n, p). */
  private static double binomialUpperTail(int n, double p, int m, double[] logFactorial) {
    if (p >= 1) {
      return n > m ? 1 : 0;
    }
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double tail = 0;
    for (int k = m + 1; k <= n; k++) {
      tail += Math.exp(logFactorial[n] - logFactorial[k] - logFactorial[n - k] + k * logP + (n - k) * logQ);
    }
    return tail;
  }

  private static double[] logFactorials(int n) {
    double[] f = new double[n + 1];
    for (int i = 2; i <= n; i++) {
      f[i] = f[i - 1] + Math.log(i);
    }
    return f;
  }
}
