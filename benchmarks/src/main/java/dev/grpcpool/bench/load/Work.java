package dev.grpcpool.bench.load;

import dev.grpcpool.core.sizing.PoolSizing;

/**
 * Presets of simulated server work per call, carried in each request, and the workload kind the pool-size rule of
 * thumb uses for them.
 */
public enum Work {
  /** A bare echo. */
  NONE(0, 0, PoolSizing.Workload.MIXED),
  /** 100 µs of CPU spun on the server's handler thread. */
  CPU(100, 0, PoolSizing.Workload.CPU_BOUND),
  /** 1 ms waited without holding a thread, like a call to a database. */
  IO(0, 1000, PoolSizing.Workload.IO_BOUND),
  /** 50 µs of CPU, then 500 µs waited. */
  MIXED(50, 500, PoolSizing.Workload.MIXED);

  private final long cpuMicros;
  private final long ioMicros;
  private final PoolSizing.Workload workload;

  Work(long cpuMicros, long ioMicros, PoolSizing.Workload workload) {
    this.cpuMicros = cpuMicros;
    this.ioMicros = ioMicros;
    this.workload = workload;
  }

  public long cpuMicros() {
    return cpuMicros;
  }

  public long ioMicros() {
    return ioMicros;
  }

  /** The workload kind for the rule of thumb (a bare echo counts as mixed). */
  public PoolSizing.Workload workload() {
    return workload;
  }
}
