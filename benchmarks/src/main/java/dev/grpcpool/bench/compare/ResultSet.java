package dev.grpcpool.bench.compare;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything read from one side of a comparison (a JMH JSON file or a folder of them): the figures by key, the
 * machine they were measured on, and the files read.
 *
 * <p>Immutable and thread-safe.
 */
final class ResultSet {

  private final Path root;
  private final SortedMap<BenchmarkKey, Measurement> measurements;
  private final Environment environment;
  private final List<Path> files;
  private final Set<String> undirectedMetrics;

  ResultSet(Path root, Map<BenchmarkKey, Measurement> measurements, Environment environment, List<Path> files,
      Set<String> undirectedMetrics) {
    this.root = root;
    this.measurements = Collections.unmodifiableSortedMap(new TreeMap<>(measurements));
    this.environment = environment;
    this.files = List.copyOf(files);
    this.undirectedMetrics = Collections.unmodifiableSet(new TreeSet<>(undirectedMetrics));
  }

  /** The path the user named (a file or a folder). */
  Path root() {
    return root;
  }

  SortedMap<BenchmarkKey, Measurement> measurements() {
    return measurements;
  }

  Environment environment() {
    return environment;
  }

  List<Path> files() {
    return files;
  }

  /** Secondary metrics left out because their unit has no better direction (gc.count, gc.time, …). */
  Set<String> undirectedMetrics() {
    return undirectedMetrics;
  }

  /** The same results with other measurements (after normalization). */
  ResultSet withMeasurements(Map<BenchmarkKey, Measurement> replaced) {
    return new ResultSet(root, replaced, environment, files, undirectedMetrics);
  }
}
