package dev.grpcpool.bench.load;

import dev.grpcpool.server.BenchFleet;
import dev.grpcpool.server.L4Balancer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How an L4 balancer spread a run over the fleet: the connections pinned to each backend and the calls each
 * answered, and the imbalance — the busiest backend's calls over the mean of all backends (1.0 is even; with B
 * backends, B means one backend took every call). Written into {@code summary.json} as {@code l4}.
 *
 * @param mode the balancer's mode, as on the command line
 * @param connectionsPerBackend connections pinned to each backend over the run, by backend index
 * @param okCallsPerBackend calls each backend answered OK during the measurement, by backend index
 * @param imbalance busiest backend's OK calls ÷ the mean over all backends; null when no call succeeded
 */
public record L4Spread(String mode, List<Long> connectionsPerBackend, List<Long> okCallsPerBackend,
    Double imbalance) {

  /** Reads the balancer's counts and the run's per-backend calls. */
  static L4Spread of(L4Balancer balancer, BenchFleet fleet, LoadResult result) {
    List<Long> calls = new ArrayList<>(fleet.size());
    long total = 0;
    long busiest = 0;
    for (int i = 0; i < fleet.size(); i++) {
      GroupStats g = result.backends().get(fleet.backend(i).backendId());
      long ok = g == null ? 0 : g.ok();
      calls.add(ok);
      total += ok;
      busiest = Math.max(busiest, ok);
    }
    Double imbalance = total == 0 ? null
        : LatencySummary.round((double) busiest * fleet.size() / total);
    return new L4Spread(balancer.mode().cliName(), balancer.acceptedConnections(), List.copyOf(calls), imbalance);
  }

  void print(PrintWriter out) {
    out.println();
    out.printf(Locale.ROOT, "  L4 %s: connections per backend %s, ok calls per backend %s, imbalance %s%n", mode,
        connectionsPerBackend, okCallsPerBackend,
        imbalance == null ? "-" : String.format(Locale.ROOT, "%.2f (busiest ÷ mean)", imbalance));
  }
}
