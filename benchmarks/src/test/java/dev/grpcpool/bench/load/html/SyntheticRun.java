package dev.grpcpool.bench.load.html;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcpool.bench.load.FaultInjector;
import dev.grpcpool.bench.load.RunOutput;
import dev.grpcpool.bench.results.HlogWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Writes a load run folder with chosen times and figures, in the format {@code grpcpool load} writes, so tests of
 * the report can place runs on the clock (overlapping, one after the other) without running load for that long.
 *
 * <p>Not thread-safe; one builder per folder.
 */
public final class SyntheticRun {
  private final Instant start;
  private int seconds = 10;
  private int callsPerSecond = 100;
  private long p50Micros = 1_000;
  private long p99Micros = 20_000;
  private final List<FaultInjector.AppliedFault> faults = new ArrayList<>();
  /** Channels of the pool per second, written as the timeline's pool columns; null for a timeline without. */
  private int[] poolSizes;

  private SyntheticRun(Instant start) {
    this.start = start;
  }

  /** A run whose measurement starts at {@code start}. */
  public static SyntheticRun startingAt(Instant start) {
    return new SyntheticRun(start);
  }

  public SyntheticRun seconds(int s) {
    this.seconds = s;
    return this;
  }

  /** Latency of every second: 98 % of the calls at p50, 2 % at p99. */
  public SyntheticRun latency(long p50Micros, long p99Micros) {
    this.p50Micros = p50Micros;
    this.p99Micros = p99Micros;
    return this;
  }

  /** A fault as the injector records it, applied {@code atMillis} after the start. */
  public SyntheticRun fault(String fault, long atMillis) {
    faults.add(new FaultInjector.AppliedFault(fault, atMillis, atMillis, null));
    return this;
  }

  /**
   * The pool's size in each second (the first {@code sizes.length} seconds), with as many calls that waited for a
   * stream as it has channels; the timeline then has the pool columns a run with a pool writes.
   */
  public SyntheticRun poolSizes(int... sizes) {
    this.poolSizes = sizes.clone();
    return this;
  }

  /** Writes the folder (created) and returns it. */
  public Path writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      long calls = (long) seconds * callsPerSecond;
      try (HlogWriter log = HlogWriter.open(dir.resolve(RunOutput.LATENCY_HLOG), start, "synthetic",
          TimeUnit.MICROSECONDS)) {
        for (int i = 0; i < seconds; i++) {
          Histogram h = new Histogram(3);
          h.recordValueWithCount(p50Micros, callsPerSecond - callsPerSecond / 50);
          h.recordValueWithCount(p99Micros, callsPerSecond / 50);
          h.setStartTimeStamp(start.toEpochMilli() + i * 1000L);
          h.setEndTimeStamp(start.toEpochMilli() + (i + 1) * 1000L);
          log.append(h);
        }
      }
      StringBuilder timeline = new StringBuilder("second,sent,ok,failed,unfinished,p50_ms,p99_ms,max_ms,"
          + "completed_ok,completed_failed,completed_p99_ms,completed_service_p99_ms"
          + (poolSizes == null ? "\n" : ",pool_size,pool_target,pool_in_flight,queued_calls,queued_ms\n"));
      for (int i = 0; i < seconds; i++) {
        int failed = i == 3 ? 7 : 0;
        timeline.append(i).append(',').append(callsPerSecond).append(',').append(callsPerSecond - failed)
            .append(',').append(failed).append(",0,1,20,20,").append(callsPerSecond - failed).append(',')
            .append(failed).append(",20,20");
        if (poolSizes != null) {
          timeline.append(i < poolSizes.length ? "," + poolSizes[i] + "," + poolSizes[i] + ",10," + poolSizes[i]
              + ",1.5" : ",,,,,");
        }
        timeline.append('\n');
      }
      Files.writeString(dir.resolve(RunOutput.TIMELINE), timeline);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("tool", "grpcpool load");
      s.put("startTime", start.toString());
      s.put("mode", "open-loop");
      s.put("verdict", Map.of("outcome", "HELD", "exitCode", 0, "findings", List.of()));
      s.put("interrupted", false);
      s.put("warmup", "2.0 s (fixed)");
      s.put("measuredSeconds", (double) seconds);
      s.put("achievedRate", (double) callsPerSecond);
      s.put("sent", calls);
      s.put("ok", calls - 7);
      s.put("failed", 7);
      s.put("unfinished", 0);
      s.put("backends", List.of(
          new RunOutput.GroupJson("backend-0", calls / 2, calls / 2, 0, 0, 1.0, 20.0),
          new RunOutput.GroupJson("backend-1", calls / 2, calls / 2 - 7, 7, 0, 1.0, null)));
      s.put("channels", List.of(new RunOutput.GroupJson("127.0.0.1:50051", calls, calls - 7, 7, 0, 1.0, 20.0)));
      if (!faults.isEmpty()) {
        s.put("faults", faults);
      }
      Map<String, Object> channel = new LinkedHashMap<>();
      channel.put("strategy", "ROUND_ROBIN");
      channel.put("size", 2);
      Map<String, Object> configuration = new LinkedHashMap<>();
      configuration.put("target", "static:///127.0.0.1:50051,127.0.0.1:50052");
      configuration.put("channel", channel);
      configuration.put("faults", faults.stream().map(FaultInjector.AppliedFault::fault).toList());
      s.put("configuration", configuration);
      Files.writeString(dir.resolve(RunOutput.SUMMARY), new ObjectMapper().writeValueAsString(s));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
