package dev.grpcpool.bench.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Converts command-line durations: a whole number with a unit ({@code 250us}, {@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 1h}, {@code 1d}) or an ISO-8601 duration ({@code PT1M30S}). Negative durations are
 * refused with a message naming the value.
 *
 * <p>Stateless and thread-safe.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern WITH_UNIT = Pattern.compile("(-?\\d+)\\s*(ns|us|ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * Parses {@code value} as described in the class comment.
   *
   * @throws CommandLine.TypeConversionException naming the value and the accepted forms
   */
  public static Duration parse(String value) {
    String text = value.trim();
    Duration d;
    Matcher m = WITH_UNIT.matcher(text.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ns":
            d = Duration.ofNanos(amount);
            break;
          case "us":
            d = Duration.ofNanos(Math.multiplyExact(amount, 1000L));
            break;
          case "ms":
            d = Duration.ofMillis(amount);
            break;
          case "s":
            d = Duration.ofSeconds(amount);
            break;
          case "m":
            d = Duration.ofMinutes(amount);
            break;
          case "h":
            d = Duration.ofHours(amount);
            break;
          default:
            d = Duration.ofDays(amount);
            break;
        }
      } else {
        d = Duration.parse(text);
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration; use forms like 500ms, 30s, 2m, 1h or ISO-8601 PT30S");
    }
    if (d.isNegative()) {
      throw new CommandLine.TypeConversionException("duration must not be negative, was '" + value + "'");
    }
    return d;
  }
}
