/**
 * The compare tool: a regression gate for JMH results. It reads two runs (JMH's {@code -rf json} files or run
 * folders, with their {@code .hgrm} latency files and machine description), compares them key by key with a
 * Welch test and confidence intervals ({@link dev.grpcpool.bench.compare.Comparison}), calls a difference only
 * when it is outside the noise, optionally normalizes by a reference benchmark of the same run
 * ({@code --normalize-by}), and keeps baselines ({@link dev.grpcpool.bench.compare.BaselineStore}).
 *
 * <p>It knows nothing of gRPC, of JMH's classes or of the rest of this module: it needs only the JDK, Jackson
 * and HdrHistogram, so it can gate any JMH project's results ({@code PackageDependenciesTest} checks). It runs
 * no benchmark; the reference it normalizes by ({@code ReferenceBenchmark}) is one of the suites.
 */
package dev.grpcpool.bench.compare;
