/**
 * Run folders and the HdrHistogram files written into them, shared by the JMH suites and the load generator:
 * a new folder per run under {@code results/} ({@link dev.grpcpool.bench.results.RunFolder}), interval logs
 * ({@code .hlog}, {@link dev.grpcpool.bench.results.HlogWriter}), percentile distributions ({@code .hgrm},
 * {@link dev.grpcpool.bench.results.HgrmWriter}) and the JMH run's {@code latency.md}
 * ({@link dev.grpcpool.bench.results.LatencyTable}). The load run's HTML page is another kind of report and lives
 * with the load generator ({@code dev.grpcpool.bench.load.html}). It depends on no tool of this module.
 */
package dev.grpcpool.bench.results;
