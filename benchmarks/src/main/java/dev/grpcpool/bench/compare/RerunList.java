package dev.grpcpool.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keys of a comparison to measure again, one line each: the key as printed in the table, a tab, and the JMH
 * command-line options that measure just that key again ({@code ^benchmark$ -bm mode -t threads -p name=value…}).
 * {@link #render} lists the regressed keys; {@link #renderSuspects} also those worse by more than the threshold whose
 * change the test could not tell from the noise. The A/B script re-runs the suspects and fails only for a key that
 * is regressed in the re-run.
 *
 * <p>Stateless and thread-safe.
 */
public final class RerunList {

  private RerunList() {}

  /** One line per regressed benchmark key (a secondary metric re-runs its benchmark); empty when none. */
  public static String render(ComparisonReport r) {
    Set<String> lines = new LinkedHashSet<>();
    for (KeyComparison k : r.rows()) {
      if (k.verdict() == Verdict.REGRESSED) {
        lines.add(k.key() + "\t" + jmhOptions(k.key()));
      }
    }
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  /**
   * The regressed keys and the keys worse by more than the threshold but inconclusive (a large change in noisy
   * forks); empty when none.
   */
  public static String renderSuspects(ComparisonReport r) {
    Set<String> lines = new LinkedHashSet<>();
    for (KeyComparison k : r.rows()) {
      boolean worse = k.baseline() != null && k.candidate() != null
          && k.direction().improvement(k.baseline().score(), k.candidate().score()) < -r.options().threshold();
      if (k.verdict() == Verdict.REGRESSED || (k.verdict() == Verdict.INCONCLUSIVE && worse)) {
        lines.add(k.key() + "\t" + jmhOptions(k.key()));
      }
    }
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  /** JMH options selecting exactly this key's benchmark method, mode, threads and parameters. */
  static String jmhOptions(BenchmarkKey key) {
    List<String> args = new ArrayList<>();
    args.add("^" + key.benchmark().replace(".", "\\.") + "$");
    args.add("-bm " + key.mode());
    args.add("-t " + key.threads());
    key.params().forEach((name, value) -> args.add("-p " + name + "=" + value));
    return String.join(" ", args);
  }
}
