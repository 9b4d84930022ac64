package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcpool.core.DurationText;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link DurationText}: the largest exact unit, in a form the command line reads back. */
class DurationTextTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "PT0S, 0s",
      "PT2H, 2h",
      "PT25H, 25h",
      "PT48H, 2d",
      "PT2M, 2m",
      "PT90S, 90s",
      "PT1.5S, 1500ms",
      "PT0.00025S, 250us",
      "PT0.000000001S, 1ns",
  })
  void largestExactUnit_andTheParserReadsItBack(String iso, String text) {
    Duration d = Duration.parse(iso);
    assertThat(DurationText.of(d)).isEqualTo(text);
    assertThat(DurationConverter.parse(text)).isEqualTo(d);
  }
}
