package dev.grpcpool.bench.load.call;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Wording shared by this package's error messages, which must each be one line however long or multi-line the
 * text they quote.
 *
 * <p>Stateless and thread-safe.
 */
final class Lines {
  /** Names listed in a message before the rest are only counted: a service can have hundreds of fields. */
  private static final int LISTED = 12;

  private Lines() {}

  /** The first line of {@code text}, trimmed: protobuf, Gson and Jackson append hints and locations on more lines. */
  static String first(String text) {
    if (text == null) {
      return "";
    }
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).trim();
  }

  /** {@code "a, b, c"}, or {@code "a, b, … (30 in all)"} for a long list; {@code "none"} for an empty one. */
  static String list(Collection<String> names) {
    if (names.isEmpty()) {
      return "none";
    }
    String listed = names.stream().limit(LISTED).collect(Collectors.joining(", "));
    return names.size() <= LISTED ? listed : listed + ", … (" + names.size() + " in all)";
  }
}
