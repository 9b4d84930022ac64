/**
 * A Prometheus scrape endpoint ({@link dev.grpcpool.bench.metrics.PrometheusEndpoint}) for a pool's Micrometer
 * metrics, used by the load generator's {@code --metrics-port}. It depends on no tool of this module.
 */
package dev.grpcpool.bench.metrics;
