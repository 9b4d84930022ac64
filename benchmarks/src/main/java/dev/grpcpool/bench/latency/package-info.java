/**
 * Latency recording shared by the JMH suites and the tests: {@link dev.grpcpool.bench.latency.LatencyRecorder}
 * takes call latencies from many threads into HdrHistogram interval histograms and counts failed calls apart.
 * It depends on no tool of this module.
 */
package dev.grpcpool.bench.latency;
