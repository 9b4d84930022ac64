package dev.grpcpool.server;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A backend's capacity: at most {@code limit} units of simulated work at once across all its connections, the
 * rest waiting in arrival order — a worker pool of {@code limit}, so a backend saturates at
 * {@code limit ÷ service time} calls per second without burning the CPU it shares with everything else.
 *
 * <p>A unit is what one request's simulated work covers: a unary call or a client stream's answer, a server
 * stream's work before its answers, one message of a bidi stream. It holds its worker from the start of its CPU
 * work until its answer is handed to gRPC (or fails). A unit that waited runs on {@code executor}.
 *
 * <p>This class is thread-safe.
 */
final class Workers {

  private final int limit;
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int busy;

  Workers(int limit, Executor executor) {
    this.limit = limit;
    this.executor = executor;
  }

  /** Runs {@code unit} now if a worker is free, else when one is; the unit must end with {@link #release()}. */
  void run(Runnable unit) {
    synchronized (this) {
      if (busy >= limit) {
        waiting.add(unit);
        return;
      }
      busy++;
    }
    unit.run();
  }

  /** A unit ended: its worker takes the next waiting unit, or becomes free. */
  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        busy--;
        return;
      }
    }
    try {
      executor.execute(next);
    } catch (RejectedExecutionException serverClosing) {
      // The server is closing and its calls are being cancelled; the worker is simply free again.
      release();
    }
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
