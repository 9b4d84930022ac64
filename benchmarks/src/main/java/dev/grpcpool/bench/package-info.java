/**
 * The JMH suites: what a channel pool costs and what it buys, measured on the machine that runs them.
 *
 * <ul>
 *   <li>{@link dev.grpcpool.bench.PickOverheadBenchmark}: the cost of choosing a channel, per strategy, beside
 *       the well-known article's read-write-lock pool;
 *   <li>{@link dev.grpcpool.bench.PoolSizeBenchmark}: the pool sizes {@code PoolSizing} recommends, per
 *       workload, against a single channel;
 *   <li>{@link dev.grpcpool.bench.SingleVsPooledBenchmark}: one channel vs a pool, the pool's own cost per
 *       call, shared vs own event loops, and a server that caps calls per connection;
 *   <li>{@link dev.grpcpool.bench.AdaptivePoolBenchmark}: a pool that sizes itself against fixed sizes, on a
 *       server that caps calls per connection;
 *   <li>{@link dev.grpcpool.bench.StrategyBenchmark}: every strategy against a fleet with a faulty and a slow
 *       backend;
 *   <li>{@link dev.grpcpool.bench.L4Benchmark}: how many channels behind a layer-4 balancer that pins each
 *       connection to one of four backends of fixed capacity;
 *   <li>{@link dev.grpcpool.bench.ChannelPerCallBenchmark}: a new channel per call, the anti-pattern, against
 *       one reused channel, in plaintext and with TLS;
 *   <li>{@link dev.grpcpool.bench.ReferenceBenchmark}: a fixed amount of CPU work, the machine-speed reference
 *       that the compare tool's {@code --normalize-by} divides out.
 * </ul>
 *
 * <p>Only the suites (and {@link dev.grpcpool.bench.LatencyProfiler}, which JMH's {@code -prof} names) live in
 * this package: their fully-qualified names are the identity of stored results and of the CI gate, so they do
 * not move. What they share is in {@code dev.grpcpool.bench.jmh}.
 *
 * <h2>The module's parts</h2>
 * Each tool is its own package tree, and dependencies point one way ({@code PackageDependenciesTest} checks):
 * <pre>
 *   dev.grpcpool.bench (+ .jmh)   JMH suites and their fixtures           uses latency, results, work
 *   dev.grpcpool.bench.load       load generator (+ .html: its report)     uses results, metrics
 *   dev.grpcpool.bench.compare    JMH regression gate                      uses nothing of the module, of gRPC or JMH
 *   dev.grpcpool.bench.cli        the grpcpool command line                uses all of the above
 *   dev.grpcpool.bench.latency, .results, .metrics, .work   shared parts, which use no tool
 * </pre>
 *
 * <h2>Time budget</h2>
 * Each suite sets its own {@code @Fork}, {@code @Warmup} and {@code @Measurement} so that a bare
 * {@code java -jar benchmarks/target/benchmarks.jar} runs all of them in about 50 minutes on a
 * 2-core machine (trials × iterations × iteration time, plus about 2-4 s per trial to start the forked JVM,
 * servers and pools). The Netty closed-loop suites warm up 40 s per trial
 * ({@link dev.grpcpool.bench.jmh.ClosedLoopSuite#WARMUP_ITERATIONS}: on 2 cores the JIT needs that long):
 * <pre>
 *   PickOverhead    6 variants × 2 thread counts = 12 trials × 1 fork × (3 + 5) × 1 s   =   96 s (+ ~ 25 s)
 *   PoolSize        3 workloads × 4 sizings     = 12 trials × 1 fork × (20 + 3) × 2 s  =  552 s (+ ~ 40 s)
 *   SingleVsPooled  8 scenarios                 =  8 trials × 1 fork × (20 + 5) × 2 s  =  400 s (+ ~ 25 s)
 *   AdaptivePool    adaptive + 5 fixed sizes    =  6 trials × 1 fork × (20 + 5) × 2 s  =  300 s (+ ~ 18 s)
 *   Strategy        4 strategies × 2 faults     =  8 trials × 1 fork × (20 + 3) × 2 s  =  368 s (+ ~ 30 s)
 *   L4              2 modes × 6 sizes × 2 picks = 24 trials × 1 fork × (25 + 15) s      =  960 s (+ ~ 96 s)
 *   ChannelPerCall  2 transports × 2 variants   =  4 trials × 1 fork × (15 + 9) s       =   96 s (+ ~ 12 s)
 *   total                                         74 trials                           2772 s (+ ~246 s) ≈ 50 min
 * </pre>
 * {@code ReferenceBenchmark} (3 forks × (3 + 3) × 1 s) is a helper of the CI gate and runs only when named.
 *
 * <h2>Latency reports</h2>
 * Every suite that makes calls records each successful call's latency (nanoseconds, HdrHistogram, 3
 * significant digits; failed calls are counted, never recorded) and writes, per benchmark and parameter set, a
 * {@code .hlog} (one interval per measurement iteration) and a {@code .hgrm} (microseconds) into one run
 * folder per JMH run, {@code results/<yyyyMMdd-HHmmss>-jmh/} (see {@code JmhRun}), with a {@code latency.md}
 * table. {@link dev.grpcpool.bench.LatencyProfiler} ({@code -prof dev.grpcpool.bench.LatencyProfiler}) also
 * puts p50, p99 and p99.9 into JMH's own result, so {@code -rf json} carries them.
 *
 * <p>All call-making suites are closed loop: a bounded number of asynchronous calls is outstanding and a new
 * one is sent when one completes. Their latencies are not corrected for coordinated omission; the load
 * generator's fixed-rate mode is.
 */
package dev.grpcpool.bench;
