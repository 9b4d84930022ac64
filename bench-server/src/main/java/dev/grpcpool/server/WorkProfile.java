package dev.grpcpool.server;

import java.util.Objects;

/**
 * The simulated work a backend does for a call whose request names none: CPU spun on the handling thread,
 * an I/O wait that holds no thread, both, or nothing.
 *
 * <p>A request that sets {@code cpu_micros} or {@code io_micros} itself overrides the whole profile.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class WorkProfile {

  /** The kind of work, named after the workloads a pool is sized for. */
  public enum Kind { NONE, CPU, IO, MIXED }

  /** Upper bound for either amount: a sane call takes less than a minute of simulated work. */
  public static final long MAX_MICROS = 60_000_000L;

  /** CPU spun per call by the {@link #preset} of {@link Kind#CPU}. */
  public static final long PRESET_CPU_MICROS = 100;
  /** Wait per call of the {@link #preset} of {@link Kind#IO}. */
  public static final long PRESET_IO_MICROS = 1_000;
  /** CPU spun per call by the {@link #preset} of {@link Kind#MIXED}, before its wait. */
  public static final long PRESET_MIXED_CPU_MICROS = 50;
  /** Wait per call of the {@link #preset} of {@link Kind#MIXED}, after its CPU. */
  public static final long PRESET_MIXED_IO_MICROS = 500;

  private static final WorkProfile NONE = new WorkProfile(Kind.NONE, 0, 0);

  private final Kind kind;
  private final long cpuMicros;
  private final long ioMicros;

  private WorkProfile(Kind kind, long cpuMicros, long ioMicros) {
    this.kind = kind;
    this.cpuMicros = cpuMicros;
    this.ioMicros = ioMicros;
  }

  /**
   * The preset amounts of each kind: the one meaning of "cpu", "io" and "mixed" work for every tool of the
   * project that names work by its kind (the load generator's {@code --work}, the JMH suites):
   * <ul>
   *   <li>{@code NONE}: nothing, a bare echo;
   *   <li>{@code CPU}: {@value #PRESET_CPU_MICROS} µs spun on the handling thread;
   *   <li>{@code IO}: {@value #PRESET_IO_MICROS} µs waited without holding a thread, like a call to a database;
   *   <li>{@code MIXED}: {@value #PRESET_MIXED_CPU_MICROS} µs spun, then {@value #PRESET_MIXED_IO_MICROS} µs
   *       waited.
   * </ul>
   */
  public static WorkProfile preset(Kind kind) {
    switch (kind) {
      case CPU:
        return cpu(PRESET_CPU_MICROS);
      case IO:
        return io(PRESET_IO_MICROS);
      case MIXED:
        return mixed(PRESET_MIXED_CPU_MICROS, PRESET_MIXED_IO_MICROS);
      default:
        return none();
    }
  }

  /** No simulated work: the call answers at once. */
  public static WorkProfile none() {
    return NONE;
  }

  /**
   * CPU spun on the handling thread for each call.
   *
   * @throws IllegalArgumentException if {@code micros} is negative or above {@link #MAX_MICROS}
   */
  public static WorkProfile cpu(long micros) {
    return new WorkProfile(Kind.CPU, check("cpuMicros", micros), 0);
  }

  /**
   * A wait for each call that holds no thread (the answer is scheduled, not slept for).
   *
   * @throws IllegalArgumentException if {@code micros} is negative or above {@link #MAX_MICROS}
   */
  public static WorkProfile io(long micros) {
    return new WorkProfile(Kind.IO, 0, check("ioMicros", micros));
  }

  /**
   * CPU spun first, then a wait that holds no thread.
   *
   * @throws IllegalArgumentException if either amount is negative or above {@link #MAX_MICROS}
   */
  public static WorkProfile mixed(long cpuMicros, long ioMicros) {
    return new WorkProfile(Kind.MIXED, check("cpuMicros", cpuMicros), check("ioMicros", ioMicros));
  }

  /**
   * The profile of {@code kind} with the given amounts, as a command line names them.
   *
   * @throws IllegalArgumentException if an amount is out of range, or given for work the kind does not do
   *     (CPU micros for IO, I/O micros for CPU, any amount for NONE)
   */
  public static WorkProfile of(Kind kind, long cpuMicros, long ioMicros) {
    switch (kind) {
      case CPU:
        requireUnused(kind, "ioMicros", ioMicros);
        return cpu(cpuMicros);
      case IO:
        requireUnused(kind, "cpuMicros", cpuMicros);
        return io(ioMicros);
      case MIXED:
        return mixed(cpuMicros, ioMicros);
      default:
        requireUnused(kind, "cpuMicros", cpuMicros);
        requireUnused(kind, "ioMicros", ioMicros);
        return none();
    }
  }

  private static void requireUnused(Kind kind, String name, long micros) {
    if (micros != 0) {
      throw new IllegalArgumentException(
          name + " was " + micros + " but " + kind.name().toLowerCase(java.util.Locale.ROOT)
              + " work does not use it; choose mixed work for both");
    }
  }

  public Kind kind() {
    return kind;
  }

  public long cpuMicros() {
    return cpuMicros;
  }

  public long ioMicros() {
    return ioMicros;
  }

  private static long check(String name, long micros) {
    if (micros < 0 || micros > MAX_MICROS) {
      throw new IllegalArgumentException(
          name + " must be in [0, " + MAX_MICROS + "] microseconds, was " + micros);
    }
    return micros;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WorkProfile w
        && w.kind == kind && w.cpuMicros == cpuMicros && w.ioMicros == ioMicros;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, cpuMicros, ioMicros);
  }

  @Override
  public String toString() {
    switch (kind) {
      case CPU:
        return "cpu(" + cpuMicros + "us)";
      case IO:
        return "io(" + ioMicros + "us)";
      case MIXED:
        return "mixed(cpu " + cpuMicros + "us, io " + ioMicros + "us)";
      default:
        return "none";
    }
  }
}
