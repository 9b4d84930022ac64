/**
 * The load run's HTML report ({@code grpcpool report}): {@link dev.grpcpool.bench.load.html.RunData} reads one or
 * more load run folders back (with {@link dev.grpcpool.bench.load.html.RunSummary} for their {@code summary.json}),
 * {@link dev.grpcpool.bench.load.html.HtmlReport} writes one self-contained page with tables and
 * {@link dev.grpcpool.bench.load.html.SvgChart} charts (latency and calls per second with faults marked, percentile
 * distributions, runs side by side from their own starts); {@link dev.grpcpool.bench.load.html.GeneratorSet} checks
 * that generators of a split load belong together before they are merged. Part of the load generator; the JMH suites' files are in
 * {@code dev.grpcpool.bench.results}.
 */
package dev.grpcpool.bench.load.html;
