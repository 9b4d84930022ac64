package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Tests for {@link GeneratorOptions}: the plan, the index from the environment, and each share. */
class GeneratorOptionsTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  private static GeneratorOptions.Plan plan(Map<String, String> env, String... args) {
    GeneratorOptions options = new GeneratorOptions();
    CommandLine cmd = new CommandLine(options);
    cmd.parseArgs(args);
    return options.plan(cmd, NOW, env);
  }

  @Test
  void indexComesFromTheJobsEnvironment_unlessGiven() {
    assertThat(plan(Map.of(GeneratorOptions.INDEX_ENV, "2"), "--generators", "3"))
        .isEqualTo(new GeneratorOptions.Plan(2, 3, null));
    assertThat(plan(Map.of(GeneratorOptions.INDEX_ENV, "2"), "--generators", "3", "--generator-index", "1").index())
        .isEqualTo(1);
    assertThat(plan(Map.of())).isEqualTo(GeneratorOptions.Plan.ALONE);
  }

  @Test
  void startIn_isFromNow_startAt_isTheInstantGiven() {
    assertThat(plan(Map.of(), "--start-in", "30s").startAt()).isEqualTo(NOW.plusSeconds(30));
    assertThat(plan(Map.of(), "--start-at", "2026-12-01T10:59:59Z").startAt())
        .isEqualTo(Instant.parse("2026-12-01T10:59:59Z"));
  }

  @Test
  void shares_addUpToTheWhole_theRemainderGoingToTheFirstGenerators() {
    int total = 0;
    for (int i = 0; i < 3; i++) {
      int share = new GeneratorOptions.Plan(i, 3, null).share(200);
      assertThat(share).isBetween(66, 67);
      total += share;
    }
    assertThat(total).isEqualTo(200);
    assertThat(new GeneratorOptions.Plan(0, 3, null).share(200)).isEqualTo(67);
    assertThat(new GeneratorOptions.Plan(2, 3, null).share(0)).as("no cap stays no cap").isZero();
  }
}
