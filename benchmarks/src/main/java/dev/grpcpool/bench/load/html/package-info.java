/**
 * The load run's HTML report ({@code grpcpool report}): {@link dev.grpcpool.bench.load.html.RunData} reads one or
 * more load run folders back, {@link dev.grpcpool.bench.load.html.HtmlReport} writes one self-contained page with
 * tables and {@link dev.grpcpool.bench.load.html.SvgChart} charts (latency over time, percentile distributions,
 * runs side by side). Part of the load generator; the JMH suites' files are in {@code dev.grpcpool.bench.results}.
 */
package dev.grpcpool.bench.load.html;
