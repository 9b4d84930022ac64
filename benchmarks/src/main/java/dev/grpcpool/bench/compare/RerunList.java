package dev.grpcpool.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The regressed keys of a comparison, one line each: the key as printed in the table, a tab, and the JMH
 * command-line options that measure just that key again ({@code ^benchmark$ -bm mode -t threads -p name=value…}).
 * The A/B script re-runs these and fails only for a key that is listed again after the re-run.
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
