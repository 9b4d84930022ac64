package dev.grpcpool.server;

import java.util.Locale;

/**
 * Which threads run a {@link BenchServer}'s calls, and which Netty event loops carry its connections.
 *
 * <p>The choice decides how much a backend can serve: a benchmark server that is itself the bottleneck makes
 * every client-side pool look the same, so the default is the fastest general-purpose setting.
 */
public enum ServerExecutor {
  /**
   * The default, tuned the way grpc-java's own benchmark server is: calls run on a work-stealing
   * {@link java.util.concurrent.ForkJoinPool} (async mode) sized to the cores, and connections on a Netty
   * boss loop and a worker group (one loop per core) that the server creates and shuts down itself.
   */
  WORK_STEALING,
  /**
   * grpc-java's own default, for comparison: no executor or event loops given to the builder, so calls run
   * on gRPC's shared cached thread pool and connections on gRPC's shared event loops.
   */
  GRPC_DEFAULT,
  /**
   * Calls run on the transport thread that delivered them (Netty's worker loop, which the server owns, or the
   * in-process caller). Fastest for calls that do no work; CPU work then blocks the event loop.
   */
  DIRECT;

  /**
   * Parses a name such as {@code work-stealing}, {@code grpc_default} or {@code DIRECT}, ignoring case.
   *
   * @throws IllegalArgumentException naming the allowed values if {@code text} is none of them
   */
  public static ServerExecutor parse(String text) {
    String normalized = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (ServerExecutor e : values()) {
      if (e.name().equals(normalized)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown executor '" + text + "', expected one of work-stealing, grpc-default, direct");
  }

  /** The lower-case, dash-separated name that {@link #parse} accepts. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
