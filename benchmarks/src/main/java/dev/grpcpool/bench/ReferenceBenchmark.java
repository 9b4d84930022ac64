package dev.grpcpool.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How fast is this machine right now? A fixed amount of pure CPU work, the reference that
 * {@code compare --normalize-by ReferenceBenchmark.cpu} divides out so that a slower or faster machine does not
 * read as a regression or an improvement.
 *
 * <p>{@link Blackhole#consumeCPU} is JMH's own calibrated busy loop: no memory traffic, no allocation, no
 * locks, nothing the JIT can remove, and no code of this project, so no change to the project can move it.
 * Its score moves only with the machine (clock, core type, other work sharing the core).
 *
 * <p>It lives with the suites, not with the compare tool, which reads results and runs nothing. Results
 * recorded before it moved name it {@code dev.grpcpool.bench.compare.ReferenceBenchmark.cpu}; the compare tool
 * finds the reference by class simple name and method, so those results still normalize.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class ReferenceBenchmark {

  /** Work per operation: a few microseconds on a current core, long enough that call overhead is noise. */
  static final long TOKENS = 1_000;

  /** One unit of reference work. */
  @Benchmark
  @Threads(1)
  public void cpu() {
    Blackhole.consumeCPU(TOKENS);
  }

  /*
   * How to run:
   *   java -jar benchmarks/target/benchmarks.jar ReferenceBenchmark
   *   scripts/grpcpool compare results/baseline RUN_DIR --normalize-by ReferenceBenchmark.cpu
   *
   * What to expect: a few microseconds per operation, with fork-to-fork differences of a few percent on a quiet
   * machine. It is meant to be run in the same JMH invocation as the benchmarks it normalizes (scripts/ci-bench
   * does), so both see the same machine.
   */
}
