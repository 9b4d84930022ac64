/**
 * What the JMH suites in {@code dev.grpcpool.bench} share and are not themselves benchmarks: the closed-loop
 * call fixture every call-making suite extends ({@link dev.grpcpool.bench.jmh.ClosedLoopSuite}, built from
 * {@link dev.grpcpool.bench.jmh.ClosedLoop} and {@link dev.grpcpool.bench.jmh.LatencyTrial}), the one run folder a
 * whole JMH run writes its latency files into ({@link dev.grpcpool.bench.jmh.JmhRun}), set-up and tear-down steps
 * that fail loudly ({@link dev.grpcpool.bench.jmh.Fixtures}), and the well-known article's read-write-lock pool
 * that the pick-overhead suite measures as a baseline ({@link dev.grpcpool.bench.jmh.ArticleRwLockPool}).
 *
 * <p>Used only by the suites; it depends on neither the load generator, nor the compare tool, nor the CLI
 * ({@code PackageDependenciesTest} checks).
 */
package dev.grpcpool.bench.jmh;
