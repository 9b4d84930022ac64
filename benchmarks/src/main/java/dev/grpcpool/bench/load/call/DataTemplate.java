package dev.grpcpool.bench.load.call;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongBinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of {@code --data} with its placeholders found and checked once, so that expanding it for a call only
 * joins pieces. Every {@code {{…}}} is a placeholder; the known ones are listed in {@link #KNOWN}. The values put
 * in are digits, a minus sign or a UUID's hex and hyphens, which need no escaping inside or outside a JSON string.
 *
 * <p>Immutable and thread-safe.
 */
final class DataTemplate {
  /** The placeholders, as error messages list them. */
  static final String KNOWN = "{{seq}}, {{uuid}}, {{random A B}}, {{timestamp}}";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);

  private enum Kind { SEQ, UUID, RANDOM, TIMESTAMP }

  /** A placeholder; {@code low} and {@code high} are the bounds of {@code random}. */
  private record Placeholder(Kind kind, long low, long high) {}

  /** The text around the placeholders: one more piece than there are placeholders. */
  private final List<String> pieces;
  private final List<Placeholder> placeholders;

  private DataTemplate(List<String> pieces, List<Placeholder> placeholders) {
    this.pieces = pieces;
    this.placeholders = placeholders;
  }

  /**
   * Finds and checks the placeholders of {@code text}.
   *
   * @throws IllegalArgumentException in one line for an unknown or malformed placeholder, or {@code random A B}
   *     with A greater than B
   */
  static DataTemplate parse(String text) {
    List<String> pieces = new ArrayList<>();
    List<Placeholder> placeholders = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int end = 0;
    while (m.find()) {
      pieces.add(text.substring(end, m.start()));
      placeholders.add(placeholder(m.group(1).strip().split("\\s+"), m.group()));
      end = m.end();
    }
    pieces.add(text.substring(end));
    return new DataTemplate(List.copyOf(pieces), List.copyOf(placeholders));
  }

  private static Placeholder placeholder(String[] words, String text) {
    Kind kind = switch (words[0]) {
      case "seq" -> Kind.SEQ;
      case "uuid" -> Kind.UUID;
      case "random" -> Kind.RANDOM;
      case "timestamp" -> Kind.TIMESTAMP;
      default -> throw new IllegalArgumentException("unknown placeholder " + oneLine(text) + " in --data; known: "
          + KNOWN);
    };
    if (kind != Kind.RANDOM) {
      if (words.length > 1) {
        throw new IllegalArgumentException("placeholder " + oneLine(text) + " takes no arguments");
      }
      return new Placeholder(kind, 0, 0);
    }
    long low;
    long high;
    try {
      if (words.length != 3) {
        throw new NumberFormatException();
      }
      low = Long.parseLong(words[1]);
      high = Long.parseLong(words[2]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("placeholder " + oneLine(text) + " must be {{random A B}} with integers"
          + " A <= B");
    }
    if (low > high) {
      throw new IllegalArgumentException("placeholder " + oneLine(text) + ": A must be <= B, was " + low + " > "
          + high);
    }
    return new Placeholder(kind, low, high);
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ");
  }

  /** Whether the text has no placeholder, so that every expansion is the text itself. */
  boolean isFixed() {
    return placeholders.isEmpty();
  }

  /**
   * The text with every placeholder replaced.
   *
   * @param seq the value of {@code {{seq}}}
   * @param random draws a {@code {{random A B}}} value from (A, B); {@link #uniform} for calls, a bound to check
   *     that the extremes fit the message
   */
  String expand(long seq, LongBinaryOperator random) {
    if (placeholders.isEmpty()) {
      return pieces.get(0);
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < placeholders.size(); i++) {
      s.append(pieces.get(i));
      Placeholder p = placeholders.get(i);
      switch (p.kind()) {
        case SEQ -> s.append(seq);
        case UUID -> s.append(randomUuid());
        case RANDOM -> s.append(random.applyAsLong(p.low(), p.high()));
        case TIMESTAMP -> s.append(System.currentTimeMillis());
      }
    }
    return s.append(pieces.get(placeholders.size())).toString();
  }

  /** A uniform integer in [low, high], both included, for any two longs. */
  static long uniform(long low, long high) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    if (high < Long.MAX_VALUE) {
      return r.nextLong(low, high + 1);
    }
    return low == Long.MIN_VALUE ? r.nextLong() : r.nextLong(low - 1, high) + 1;
  }

  /**
   * A version 4 UUID. {@link UUID#randomUUID} draws from one shared {@code SecureRandom}: a lock and far more work
   * per call than test data needs to be unique.
   */
  private static UUID randomUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long high = (r.nextLong() & ~0xF000L) | 0x4000L;
    long low = (r.nextLong() & ~0xC000_0000_0000_0000L) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }
}
