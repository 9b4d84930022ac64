package dev.grpcpool.core.sizing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How many channels a pool should have: two rules, each returning its answer with the reasoning behind it.
 *
 * <p><b>Rule of thumb</b> ({@link #recommend}, {@link #heuristic}): thread-pool thinking applied to channels.
 * CPU-bound work gets one channel per core, I/O-bound work three per core, mixed work one and a half per core
 * (rounded down); under high concurrency the result is multiplied by 1.3 and rounded down; the result is never
 * below {@value #MIN_CHANNELS} nor above {@value #MAX_CHANNELS_PER_CORE} per core. Integer arithmetic
 * throughout, so the table is exact (no {@code 13 × 1.3 = 16.899…} surprises).
 *
 * <table>
 *   <caption>Rule-of-thumb channels (normal / high concurrency)</caption>
 *   <tr><th>cores</th><th>CPU_BOUND</th><th>IO_BOUND</th><th>MIXED</th></tr>
 *   <tr><td>1</td><td>2 / 2</td><td>3 / 3</td><td>2 / 2</td></tr>
 *   <tr><td>2</td><td>2 / 2</td><td>6 / 7</td><td>3 / 3</td></tr>
 *   <tr><td>8</td><td>8 / 10</td><td>24 / 31</td><td>12 / 15</td></tr>
 *   <tr><td>64</td><td>64 / 83</td><td>192 / 249</td><td>96 / 124</td></tr>
 * </table>
 *
 * <p><b>Little's law</b> ({@link #littlesLaw}): the rule gRPC's maintainers and Google's client libraries give.
 * The calls in flight equal the arrival rate times the latency; a channel (one HTTP/2 connection) should
 * carry a moderate number of concurrent streams, typically 10 to 50, and never more than the server's
 * {@code MAX_CONCURRENT_STREAMS} (100 by default in most servers). So
 * {@code channels = ⌈rate × latency ÷ streamsPerChannel⌉}, at least 1. Example: 5000 calls/s × 20 ms = 100
 * calls in flight; at 50 streams per channel that is 2 channels.
 *
 * <p><b>Behind a layer-4 balancer</b> ({@link #behindL4}, {@link #l4Spread}): a Kubernetes ClusterIP service or a
 * network load balancer balances connections, not calls, so each channel is pinned to the backend its
 * connection landed on. With {@code B} backends chosen at random per connection (kube-proxy in iptables mode),
 * {@code C} channels reach {@code B × (1 − (1 − 1/B)^C)} backends on average (balls into bins); a pick that
 * follows load (least in flight) can use every backend reached, while round robin gives each channel the same
 * share of calls and is held to the backend with the most channels: on average {@code E[C ÷ (B × maxLoad)]} of
 * the fleet. {@link #behindL4} answers with the fewest channels that reach {@value #L4_TARGET_REACH_PERCENT} %
 * of the backends on average. A balancer that round-robins connections (IPVS {@code rr}) needs only a multiple of
 * {@code B}, when nothing else connects through it.
 *
 * <p>This class is stateless and thread-safe; the results are immutable values.
 */
public final class PoolSizing {

  /** The kind of work the calls on the pool mostly wait for. */
  public enum Workload {
    /** The server burns CPU per call; more connections than cores only add contention. */
    CPU_BOUND,
    /** The calls mostly wait (on disks, databases, other services); many can be in flight per core. */
    IO_BOUND,
    /** Both. */
    MIXED
  }

  /** The rule of thumb never recommends fewer channels than this, so one bad connection is never the only one. */
  public static final int MIN_CHANNELS = 2;
  /** The rule of thumb never recommends more than this many channels per core. */
  public static final int MAX_CHANNELS_PER_CORE = 10;
  /** Largest {@code cores} accepted; keeps every intermediate result well inside an {@code int}. */
  public static final int MAX_CORES = 1 << 20;
  /** The usual server cap on concurrent streams per HTTP/2 connection (gRPC-Java, Go and C-core default to 100). */
  public static final int DEFAULT_MAX_STREAMS_PER_CONNECTION = 100;
  /** Streams per channel used when the caller does not choose: the top of the 10–50 target band. */
  public static final int DEFAULT_STREAMS_PER_CHANNEL = 50;
  /** Lower end of the target band of concurrent streams per channel. */
  public static final int TARGET_STREAMS_LOW = 10;
  /** Upper end of the target band of concurrent streams per channel. */
  public static final int TARGET_STREAMS_HIGH = 50;
  /** {@link #behindL4} aims for channels on this share of the backends, on average. */
  public static final int L4_TARGET_REACH_PERCENT = 90;
  /** Largest backend count, and largest channel count, the layer-4 arithmetic accepts. */
  public static final int MAX_L4 = 1000;

  private PoolSizing() {}

  /**
   * The rule-of-thumb channel count; the same as {@code heuristic(workload, highConcurrency, cores).channels()}.
   *
   * @throws NullPointerException if {@code workload} is null
   * @throws IllegalArgumentException if {@code cores} is not between 1 and {@link #MAX_CORES}
   */
  public static int recommend(Workload workload, boolean highConcurrency, int cores) {
    return heuristic(workload, highConcurrency, cores).channels();
  }

  /**
   * The rule-of-thumb channel count with the steps that produced it.
   *
   * @throws NullPointerException if {@code workload} is null
   * @throws IllegalArgumentException if {@code cores} is not between 1 and {@link #MAX_CORES}
   */
  public static Recommendation heuristic(Workload workload, boolean highConcurrency, int cores) {
    Objects.requireNonNull(workload, "workload");
    if (cores < 1 || cores > MAX_CORES) {
      throw new IllegalArgumentException(
          "cores must be between 1 and " + MAX_CORES + ", was " + cores);
    }
    StringBuilder why = new StringBuilder();
    int base;
    switch (workload) {
      case CPU_BOUND:
        base = cores;
        why.append("CPU-bound: one channel per core = ").append(base);
        break;
      case IO_BOUND:
        base = cores * 3;
        why.append("I/O-bound: cores × 3 = ").append(cores).append(" × 3 = ").append(base);
        break;
      case MIXED:
        base = cores * 3 / 2;
        why.append("mixed: ⌊cores × 1.5⌋ = ⌊").append(cores).append(" × 1.5⌋ = ").append(base);
        break;
      default:
        throw new AssertionError(workload);
    }
    int value = base;
    if (highConcurrency) {
      value = base * 13 / 10;
      why.append("; high concurrency: ⌊").append(base).append(" × 1.3⌋ = ").append(value);
    }
    int max = cores * MAX_CHANNELS_PER_CORE;
    int channels = Math.max(MIN_CHANNELS, Math.min(max, value));
    if (channels > value) {
      why.append("; raised to the minimum of ").append(MIN_CHANNELS);
    } else if (channels < value) {
      why.append("; capped at cores × ").append(MAX_CHANNELS_PER_CORE).append(" = ").append(max);
    }
    why.append(" → ").append(channels).append(channels == 1 ? " channel" : " channels")
        .append(" (").append(cores).append(cores == 1 ? " core" : " cores").append(')');
    return new Recommendation(workload, highConcurrency, cores, channels, why.toString());
  }

  /**
   * Little's law with the defaults: {@value #DEFAULT_STREAMS_PER_CHANNEL} streams per channel and a server
   * cap of {@value #DEFAULT_MAX_STREAMS_PER_CONNECTION} streams per connection.
   *
   * @throws IllegalArgumentException as {@link #littlesLaw(double, Duration, int, int)}
   */
  public static LittlesLaw littlesLaw(double ratePerSecond, Duration latency) {
    return littlesLaw(
        ratePerSecond, latency, DEFAULT_STREAMS_PER_CHANNEL, DEFAULT_MAX_STREAMS_PER_CONNECTION);
  }

  /**
   * Channels needed to carry {@code ratePerSecond} calls of the given {@code latency} with
   * {@code streamsPerChannel} concurrent calls on each channel.
   *
   * @param ratePerSecond calls started per second; finite and greater than 0
   * @param latency how long one call takes; greater than 0
   * @param streamsPerChannel concurrent calls each channel should carry; 1 to {@code maxStreamsPerConnection}
   *     (10 to 50 is the usual target: enough to use the connection, few enough that one slow or failed
   *     connection hurts a small share of the calls)
   * @param maxStreamsPerConnection the server's {@code MAX_CONCURRENT_STREAMS}; at least 1
   * @throws NullPointerException if {@code latency} is null
   * @throws IllegalArgumentException naming the argument and its allowed range when one is out of range, or
   *     when the result would not fit an {@code int}
   */
  public static LittlesLaw littlesLaw(
      double ratePerSecond, Duration latency, int streamsPerChannel, int maxStreamsPerConnection) {
    Objects.requireNonNull(latency, "latency");
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(
          "ratePerSecond must be a finite number greater than 0, was " + ratePerSecond);
    }
    if (latency.isNegative() || latency.isZero()) {
      throw new IllegalArgumentException("latency must be greater than 0, was " + latency);
    }
    if (maxStreamsPerConnection < 1) {
      throw new IllegalArgumentException(
          "maxStreamsPerConnection must be at least 1, was " + maxStreamsPerConnection);
    }
    if (streamsPerChannel < 1 || streamsPerChannel > maxStreamsPerConnection) {
      throw new IllegalArgumentException(
          "streamsPerChannel must be between 1 and maxStreamsPerConnection ("
              + maxStreamsPerConnection + "), was " + streamsPerChannel);
    }
    double seconds = latency.getSeconds() + latency.getNano() / 1e9;
    double concurrency = ratePerSecond * seconds;
    // A product such as 3000 × 0.1 lands a hair above the whole number it means (300.00000000000006);
    // without the tolerance that hair would cost a whole extra channel.
    double exact = concurrency / streamsPerChannel;
    double rounded = Math.rint(exact);
    double needed = Math.abs(exact - rounded) < 1e-9 ? rounded : Math.ceil(exact);
    if (needed > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "ratePerSecond × latency is too large: " + fmt(concurrency) + " calls in flight");
    }
    int channels = Math.max(1, (int) needed);
    StringBuilder why = new StringBuilder()
        .append("Little's law: ").append(fmt(ratePerSecond)).append(" calls/s × ")
        .append(fmtLatency(latency)).append(" = ").append(fmt(concurrency)).append(" calls in flight; ⌈")
        .append(fmt(concurrency)).append(" ÷ ").append(streamsPerChannel).append(" streams per channel⌉ = ")
        .append(channels).append(channels == 1 ? " channel" : " channels")
        .append(" (server cap ").append(maxStreamsPerConnection).append(" streams per connection)");
    if (streamsPerChannel < TARGET_STREAMS_LOW || streamsPerChannel > TARGET_STREAMS_HIGH) {
      why.append("; note: ").append(streamsPerChannel).append(" streams per channel is outside the usual ")
          .append(TARGET_STREAMS_LOW).append("–").append(TARGET_STREAMS_HIGH).append(" target");
    }
    return new LittlesLaw(
        ratePerSecond, latency, streamsPerChannel, maxStreamsPerConnection, concurrency, channels,
        why.toString());
  }

  /**
   * The fewest channels that, behind a layer-4 balancer choosing one of {@code backends} at random per
   * connection, are on at least {@value #L4_TARGET_REACH_PERCENT} % of the backends on average. Examples: 2
   * backends need 4 channels, 4 need 9, 10 need 22.
   *
   * @throws IllegalArgumentException if {@code backends} is not between 1 and {@link #MAX_L4}, or the target
   *     needs more than {@link #MAX_L4} channels
   */
  public static L4Spread behindL4(int backends) {
    checkL4("backends", backends);
    for (int channels = 1; channels <= MAX_L4; channels++) {
      if (100 * BallsIntoBins.expectedBinsHit(backends, channels) >= L4_TARGET_REACH_PERCENT * backends - 1e-9) {
        return l4Spread(backends, channels);
      }
    }
    throw new IllegalArgumentException(backends + " backends need more than " + MAX_L4 + " channels");
  }

  /**
   * What {@code channels} channels can expect behind a layer-4 balancer that chooses one of {@code backends}
   * uniformly at random per connection, exactly (no simulation).
   *
   * @throws IllegalArgumentException if either count is not between 1 and {@link #MAX_L4}
   */
  public static L4Spread l4Spread(int backends, int channels) {
    checkL4("backends", backends);
    checkL4("channels", channels);
    double reached = BallsIntoBins.expectedBinsHit(backends, channels);
    double roundRobin = BallsIntoBins.expectedBallsOverMaxLoad(backends, channels) / backends;
    String why = String.format(Locale.ROOT,
        "%d %s at random over %d %s: %.2f backends reached on average (%.0f %% of the fleet's capacity for a"
            + " pick that follows load); round robin is held to the busiest backend: %.0f %% on average",
        channels, channels == 1 ? "channel" : "channels", backends, backends == 1 ? "backend" : "backends",
        reached, 100 * reached / backends, 100 * roundRobin);
    return new L4Spread(backends, channels, reached, reached / backends, roundRobin, why);
  }

  private static void checkL4(String name, int value) {
    if (value < 1 || value > MAX_L4) {
      throw new IllegalArgumentException(name + " must be between 1 and " + MAX_L4 + ", was " + value);
    }
  }

  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String fmtLatency(Duration latency) {
    long nanos = latency.toNanos();
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + " s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + " ms";
    }
    if (nanos % 1_000L == 0 && nanos < 1_000_000L) {
      return nanos / 1_000L + " µs";
    }
    // A measured latency is no round number: three significant digits in the largest unit that fits.
    if (nanos >= 1_000_000_000L) {
      return significant(nanos / 1e9) + " s";
    }
    if (nanos >= 1_000_000L) {
      return significant(nanos / 1e6) + " ms";
    }
    if (nanos >= 1_000L) {
      return significant(nanos / 1e3) + " µs";
    }
    return nanos + " ns";
  }

  private static String significant(double value) {
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  /**
   * A rule-of-thumb answer: the inputs, the channel count and one line saying how it was reached.
   *
   * @param workload the kind of work
   * @param highConcurrency whether the high-concurrency factor was applied
   * @param cores the core count it was computed for
   * @param channels the recommended pool size, at least {@value PoolSizing#MIN_CHANNELS}
   * @param explanation the steps, e.g. {@code "I/O-bound: cores × 3 = 8 × 3 = 24; high concurrency: ⌊24 × 1.3⌋ = 31 → 31 channels (8 cores)"}
   */
  public record Recommendation(
      Workload workload, boolean highConcurrency, int cores, int channels, String explanation) {

    /** Checks the invariants the rule guarantees. */
    public Recommendation {
      Objects.requireNonNull(workload, "workload");
      Objects.requireNonNull(explanation, "explanation");
      if (cores < 1) {
        throw new IllegalArgumentException("cores must be at least 1, was " + cores);
      }
      if (channels < 1) {
        throw new IllegalArgumentException("channels must be at least 1, was " + channels);
      }
    }
  }

  /**
   * A Little's-law answer: the inputs, the calls in flight, the channel count and how it was reached.
   *
   * @param ratePerSecond calls started per second
   * @param latency the latency of one call
   * @param streamsPerChannel concurrent calls per channel aimed at
   * @param maxStreamsPerConnection the server's cap on concurrent streams per connection
   * @param concurrency calls in flight on average, {@code ratePerSecond × latency}
   * @param channels {@code ⌈concurrency ÷ streamsPerChannel⌉}, at least 1
   * @param explanation the steps, e.g. {@code "Little's law: 5000 calls/s × 20 ms = 100 calls in flight; ⌈100 ÷ 50 streams per channel⌉ = 2 channels (server cap 100 streams per connection)"}
   */
  public record LittlesLaw(
      double ratePerSecond,
      Duration latency,
      int streamsPerChannel,
      int maxStreamsPerConnection,
      double concurrency,
      int channels,
      String explanation) {

    /** Checks the invariants the rule guarantees. */
    public LittlesLaw {
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(explanation, "explanation");
      if (channels < 1) {
        throw new IllegalArgumentException("channels must be at least 1, was " + channels);
      }
    }
  }

  /**
   * Channels behind a layer-4 balancer that picks a backend at random per connection: what to expect on
   * average over the ways the connections can land.
   *
   * @param backends backends behind the balancer
   * @param channels channels in the pool, one connection each
   * @param expectedBackendsReached backends holding at least one channel, {@code B × (1 − (1 − 1/B)^C)}
   * @param leastLoadedShare {@code expectedBackendsReached ÷ backends}: the share of the fleet's capacity a
   *     pick that follows load (least in flight) can use
   * @param roundRobinShare {@code E[C ÷ (B × maxLoad)]}: the share a round-robin pick can use, held to the
   *     backend with the most channels
   * @param explanation one line with the figures
   */
  public record L4Spread(int backends, int channels, double expectedBackendsReached, double leastLoadedShare,
      double roundRobinShare, String explanation) {

    /** Checks that the shares are shares. */
    public L4Spread {
      Objects.requireNonNull(explanation, "explanation");
      if (!(leastLoadedShare >= 0 && leastLoadedShare <= 1 + 1e-9)
          || !(roundRobinShare >= 0 && roundRobinShare <= leastLoadedShare + 1e-9)) {
        throw new IllegalArgumentException("shares out of range: " + leastLoadedShare + ", " + roundRobinShare);
      }
    }
  }
}
