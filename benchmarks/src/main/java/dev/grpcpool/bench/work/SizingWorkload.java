package dev.grpcpool.bench.work;

import dev.grpcpool.core.sizing.PoolSizing;
import dev.grpcpool.server.WorkProfile;

/**
 * The workload that {@link PoolSizing}'s rule of thumb assumes for each kind of simulated server work
 * ({@link WorkProfile.Kind}), so that a tool naming work by its kind also sizes a pool for it. A bare echo
 * ({@code NONE}) counts as mixed work: it is neither CPU- nor I/O-bound.
 *
 * <p>Stateless and thread-safe.
 */
public final class SizingWorkload {

  private SizingWorkload() {}

  /** The rule-of-thumb workload for {@code kind}. */
  public static PoolSizing.Workload of(WorkProfile.Kind kind) {
    switch (kind) {
      case CPU:
        return PoolSizing.Workload.CPU_BOUND;
      case IO:
        return PoolSizing.Workload.IO_BOUND;
      default:
        return PoolSizing.Workload.MIXED;
    }
  }
}
