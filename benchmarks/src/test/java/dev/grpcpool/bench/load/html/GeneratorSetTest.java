package dev.grpcpool.bench.load.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link GeneratorSet}: generators of one split load are told apart from independent runs and from
 * generators of another load, and their starts and clocks are compared through a backend they all probed.
 */
class GeneratorSetTest {
  @TempDir
  Path tmp;

  /** A summary as a generator writes it, with only the parts GeneratorSet reads. */
  private RunSummary generator(int index, int of, String startTime, long seed, String clocks) throws IOException {
    String name = "g" + index + "-" + Files.list(tmp).count();
    Path file = tmp.resolve(name + ".json");
    Files.writeString(file, """
        {"startTime": "%s", "sent": 10, "ok": 10, "clocks": %s,
         "configuration": {"target": "dns:///echo:50051", "channel": {"strategy": "ROUND_ROBIN", "size": 4},
           "load": {"mode": "OPEN_LOOP", "rate": 1000.0, "durationMillis": 60000, "warmup": "30000 ms",
             "seed": %d, "generator": %d, "generators": %d, "startAt": "2026-12-01T10:00:00Z"}}}
        """.formatted(startTime, clocks, seed, index, of));
    return RunSummary.read(name, file);
  }

  private static String clock(String backend, long offsetMicros, long roundTripMicros) {
    return "[{\"backend\": \"%s\", \"offsetMicros\": %d, \"roundTripMicros\": %d}]"
        .formatted(backend, offsetMicros, roundTripMicros);
  }

  @Test
  void threeGenerators_sayHowFarApartTheirStartsAndClocksWere() throws IOException {
    List<RunSummary> runs = List.of(
        generator(0, 3, "2026-12-01T10:00:30.000Z", 42, clock("echo-a-0", 0, 400)),
        generator(1, 3, "2026-12-01T10:00:30.003Z", 42, clock("echo-a-0", 2_000, 600)),
        generator(2, 3, "2026-12-01T10:00:30.001Z", 42, clock("echo-a-0", -1_000, 300)));

    List<String> lines = GeneratorSet.describe(runs);

    // Own clocks: 0, 3, 1 ms. On the backend's clock: 0 + 0, 3 + 2, 1 - 1 ms.
    assertThat(lines).containsExactly("3 of 3 generators, start 2026-12-01T10:00:00Z: measurements began 3.0 ms"
        + " apart by each generator's own clock; by backend echo-a-0's clock, their clocks were 3.0 ms apart and"
        + " their measurements began 5.0 ms apart (each true within ±0.5 ms, from the probes' round trips)");
  }

  @Test
  void aMissingGenerator_isSaid_andClocksWithoutACommonBackendAreUnknown() throws IOException {
    List<RunSummary> runs = List.of(
        generator(0, 3, "2026-12-01T10:00:30.000Z", 42, clock("echo-a-0", 0, 400)),
        generator(2, 3, "2026-12-01T10:00:30.010Z", 42, clock("echo-b-0", 0, 400)));

    List<String> lines = GeneratorSet.describe(runs);

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("10.0 ms apart by each generator's own clock", "unknown");
    assertThat(lines.get(1)).isEqualTo("generator 1 of 3 is missing: the merged figures hold 2/3 of the load");
    assertThat(GeneratorSet.describe(runs.subList(0, 1))).hasSize(3).first().asString()
        .endsWith("one generator's run, nothing to line up");
  }

  @Test
  void runsThatAreNotOneLoad_areRefusedNamingWhy() throws IOException {
    RunSummary g0 = generator(0, 3, "2026-12-01T10:00:30.000Z", 42, "[]");
    RunSummary otherSeed = generator(1, 3, "2026-12-01T10:00:30.000Z", 7, "[]");
    RunSummary againG0 = generator(0, 3, "2026-12-01T10:00:30.000Z", 42, "[]");
    Path plain = tmp.resolve("plain.json");
    Files.writeString(plain, "{\"startTime\": \"2026-12-01T10:00:30Z\", \"sent\": 1, \"ok\": 1,"
        + " \"configuration\": {\"load\": {\"mode\": \"OPEN_LOOP\"}}}");
    RunSummary alone = RunSummary.read("plain", plain);

    assertThatThrownBy(() -> GeneratorSet.describe(List.of(g0, otherSeed)))
        .hasMessageContaining("not generators of one load: load.seed is 42 in one and 7 in the other");
    assertThatThrownBy(() -> GeneratorSet.describe(List.of(g0, againG0)))
        .hasMessageContaining("are both generator 0 of 3");
    assertThatThrownBy(() -> GeneratorSet.describe(List.of(g0, alone)))
        .hasMessageContaining("but plain is not");
    assertThat(GeneratorSet.describe(new ArrayList<>(List.of(alone)))).isEmpty();
  }
}
