package dev.grpcpool.server;

import java.time.Instant;

/**
 * The wall clock in microseconds since the epoch, as the echo server stamps {@code server_time_micros} and as load
 * generators read their own clock against it. Stateless and thread-safe.
 */
public final class WallClock {
  private WallClock() {}

  /** Now, in microseconds since the epoch (the platform clock's resolution; microseconds on Linux). */
  public static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
