package dev.grpcpool.bench.load.call;

import io.grpc.Metadata;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The metadata (request headers) sent with every call, from repeatable {@code --metadata key=value} entries. A key
 * ending in {@code -bin} takes its value in base64 (with or without padding) and sends those bytes; any other key
 * takes printable ASCII. Keys are case-insensitive, as in HTTP/2, and sent in lower case; a key may be given more
 * than once and then has all its values.
 *
 * <p>Stateless and thread-safe.
 */
public final class CallMetadata {
  private CallMetadata() {}

  /**
   * Parses {@code key=value} entries.
   *
   * @throws IllegalArgumentException in one line naming the key: an entry without {@code =}, a key with characters
   *     HTTP/2 does not allow or reserved by gRPC ({@code grpc-…}), a value that is not printable ASCII, or a
   *     {@code -bin} value that is not base64
   */
  public static Metadata parse(List<String> entries) {
    Metadata metadata = new Metadata();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--metadata \"" + entry + "\" must be key=value");
      }
      String key = entry.substring(0, eq);
      String value = entry.substring(eq + 1);
      String lower = key.toLowerCase(Locale.ROOT);
      // grpc-java would send a grpc-timeout or grpc-encoding of ours and break the call in ways hard to trace.
      if (lower.startsWith("grpc-")) {
        throw new IllegalArgumentException("metadata key " + key + " is reserved for gRPC itself");
      }
      boolean binary = lower.endsWith(Metadata.BINARY_HEADER_SUFFIX);
      byte[] bytes = binary ? base64(key, value) : null;
      if (!binary && !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("metadata key " + key + ": the value must be printable ASCII; send"
            + " other bytes with a key ending in -bin, in base64");
      }
      try {
        if (binary) {
          metadata.put(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER), bytes);
        } else {
          metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("metadata key " + key + " is not a valid key (allowed: a-z 0-9 - _ .)");
      }
    }
    return metadata;
  }

  private static byte[] base64(String key, String value) {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("metadata key " + key + " ends in -bin: its value must be base64 ("
          + Lines.first(e.getMessage()) + ")");
    }
  }
}
