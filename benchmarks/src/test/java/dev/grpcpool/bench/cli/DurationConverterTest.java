package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Tests for {@link DurationConverter}. */
class DurationConverterTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "500ms, PT0.5S",
      "30s, PT30S",
      "2m, PT2M",
      "1h, PT1H",
      "1d, PT24H",
      "250us, PT0.00025S",
      "0s, PT0S",
      "PT1M30S, PT1M30S",
      "' 45S ', PT45S",
  })
  void acceptedForm_parsesToDuration(String text, String iso) {
    assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.parse(iso));
  }

  @Test
  void negative_isRefusedWithMessageNamingTheValue() {
    assertThatThrownBy(() -> DurationConverter.parse("-5s"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("must not be negative").hasMessageContaining("-5s");
    assertThatThrownBy(() -> DurationConverter.parse("PT-1S"))
        .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("must not be negative");
  }

  @Test
  void garbage_isRefusedWithTheAcceptedForms() {
    assertThatThrownBy(() -> DurationConverter.parse("soon"))
        .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("500ms");
    assertThatThrownBy(() -> DurationConverter.parse("99999999999999999999s"))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }
}
