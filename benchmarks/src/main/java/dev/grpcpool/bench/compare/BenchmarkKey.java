package dev.grpcpool.bench.compare;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Identity of one compared figure: benchmark method, mode, thread count, every {@code @Param} value (sorted by
 * name) and, for a secondary metric such as {@code gc.alloc.rate.norm}, the metric name. Two results are
 * compared only when all of these match, so {@code @Param} variants never overwrite each other.
 *
 * <p>Immutable and thread-safe.
 */
public final class BenchmarkKey implements Comparable<BenchmarkKey> {

  private final String benchmark;
  private final String metric;
  private final String mode;
  private final int threads;
  private final SortedMap<String, String> params;

  BenchmarkKey(String benchmark, String metric, String mode, int threads, Map<String, String> params) {
    this.benchmark = Objects.requireNonNull(benchmark, "benchmark");
    this.metric = metric == null ? "" : metric;
    this.mode = Objects.requireNonNull(mode, "mode");
    this.threads = threads;
    this.params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
  }

  /** Fully qualified benchmark method, e.g. {@code dev.grpcpool.bench.PickOverheadBenchmark.pick}. */
  public String benchmark() {
    return benchmark;
  }

  /** Secondary metric name without JMH's old {@code ·} prefix; empty for the primary score. */
  public String metric() {
    return metric;
  }

  public boolean isPrimary() {
    return metric.isEmpty();
  }

  /** JMH's short mode label: {@code thrpt}, {@code avgt}, {@code sample} or {@code ss}. */
  public String mode() {
    return mode;
  }

  public int threads() {
    return threads;
  }

  /** {@code @Param} values sorted by name. */
  public SortedMap<String, String> params() {
    return params;
  }

  /** {@code Class.method} (package dropped) plus {@code :metric} for a secondary metric. */
  public String shortName() {
    int method = benchmark.lastIndexOf('.');
    int cls = method > 0 ? benchmark.lastIndexOf('.', method - 1) : -1;
    String name = benchmark.substring(cls + 1);
    return metric.isEmpty() ? name : name + ":" + metric;
  }

  /**
   * Whether {@code other} is this key but for the benchmark class's package: the same class simple name,
   * method, metric, mode, threads and params. A benchmark that moved to another package between two runs
   * (the reference of {@code --normalize-by}, for one) is still the same benchmark to this test.
   */
  boolean equalsIgnoringPackage(BenchmarkKey other) {
    return shortName().equals(other.shortName()) && mode.equals(other.mode) && threads == other.threads
        && params.equals(other.params);
  }

  /** {@code a=1, b=2}, or empty without parameters. */
  public String paramsText() {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return sb.toString();
  }

  /** Everything that identifies the key, readable in a message. */
  @Override
  public String toString() {
    String p = paramsText();
    return shortName() + " [" + mode + ", " + threads + (threads == 1 ? " thread" : " threads")
        + (p.isEmpty() ? "" : ", " + p) + "]";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BenchmarkKey)) {
      return false;
    }
    BenchmarkKey k = (BenchmarkKey) o;
    return benchmark.equals(k.benchmark) && metric.equals(k.metric) && mode.equals(k.mode)
        && threads == k.threads && params.equals(k.params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(benchmark, metric, mode, threads, params);
  }

  @Override
  public int compareTo(BenchmarkKey o) {
    int c = benchmark.compareTo(o.benchmark);
    if (c == 0) {
      c = params.toString().compareTo(o.params.toString());
    }
    if (c == 0) {
      c = mode.compareTo(o.mode);
    }
    if (c == 0) {
      c = Integer.compare(threads, o.threads);
    }
    if (c == 0) {
      c = metric.compareTo(o.metric);
    }
    return c;
  }
}
