package dev.grpcpool.bench;

import dev.grpcpool.bench.jmh.LatencyTrial;
import dev.grpcpool.bench.latency.LatencyRecorder;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that puts the recorded call latencies of each measurement iteration into JMH's own result
 * as secondary metrics, so that {@code -rf json} carries latency next to throughput:
 * {@code latency.p50}, {@code latency.p99}, {@code latency.p99.9} (microseconds) and {@code calls.failed.share}
 * (percent of calls that failed, which are never part of the latencies).
 *
 * <p>Enable it with {@code -prof dev.grpcpool.bench.LatencyProfiler}. It runs inside each forked JVM after
 * every iteration, once the benchmark's iteration tear-down has handed over the iteration's histogram
 * ({@link LatencyTrial}); JMH then averages the per-iteration percentiles over iterations and forks, with an
 * error margin like any score. Benchmarks that record no latencies (the pick-overhead suite) get no extra metrics.
 *
 * <p>Why a profiler rather than {@code @AuxCounters}: auxiliary counters are summed over threads and
 * iterations, which is right for counts and meaningless for percentiles.
 *
 * <p>Instances are used by one JMH thread at a time.
 */
public final class LatencyProfiler implements InternalProfiler {

  private static final double NANOS_PER_MICRO = TimeUnit.MICROSECONDS.toNanos(1);

  /** Called by JMH. */
  public LatencyProfiler() {}

  @Override
  public String getDescription() {
    return "grpcpool call latency percentiles (p50, p99, p99.9 in us) and failed-call share per iteration";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    // The benchmark's own iteration set-up starts the interval; nothing to do here.
  }

  @Override
  @SuppressWarnings("rawtypes") // JMH's InternalProfiler declares the raw Result type
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    LatencyRecorder.Interval interval = LatencyTrial.takeLastMeasured();
    if (interval == null) {
      return List.of();
    }
    Histogram h = interval.latencies();
    long calls = interval.calls();
    double failedShare = calls == 0 ? 0 : 100.0 * interval.failures() / calls;
    if (h.getTotalCount() == 0) {
      return List.of(new ScalarResult("calls.failed.share", failedShare, "%", AggregationPolicy.AVG));
    }
    return List.of(
        micros("latency.p50", h, 50.0),
        micros("latency.p99", h, 99.0),
        micros("latency.p99.9", h, 99.9),
        new ScalarResult("calls.failed.share", failedShare, "%", AggregationPolicy.AVG));
  }

  private static ScalarResult micros(String label, Histogram h, double percentile) {
    return new ScalarResult(label, h.getValueAtPercentile(percentile) / NANOS_PER_MICRO, "us", AggregationPolicy.AVG);
  }
}
