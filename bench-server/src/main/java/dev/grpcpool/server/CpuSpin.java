package dev.grpcpool.server;

/**
 * Busy-spins the calling thread for a wall-clock duration: simulated CPU-bound work.
 *
 * <p>Each iteration mixes the clock into a running value that is published to a volatile field at the end,
 * so the JIT cannot prove the loop useless and remove it.
 *
 * <p>Thread-safe: each call only uses its own locals (the published value is a racy sink by design).
 */
final class CpuSpin {

  @SuppressWarnings("unused")
  private static volatile long sink;

  private CpuSpin() {}

  static void spin(long nanos) {
    if (nanos <= 0) {
      return;
    }
    long start = System.nanoTime();
    long now = start;
    long mix = start;
    while (now - start < nanos) {
      mix ^= mix << 13;
      mix ^= mix >>> 7;
      mix ^= mix << 17;
      mix += now;
      now = System.nanoTime();
    }
    sink = mix;
  }
}
