package dev.grpcpool.bench.load;

import dev.grpcpool.bench.load.call.CallSpec;
import dev.grpcpool.bench.load.call.CallTemplate;
import dev.grpcpool.core.DurationText;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What one load run sends: open loop at a fixed rate or in rate steps (optionally with a cap on calls in flight) or
 * closed loop with a number of callers, for how long, and what each call carries: an echo call of this project's
 * bench server (its payload and simulated work), or a call of any method that a {@link CallSpec} names.
 *
 * <p>Immutable and thread-safe. Build with {@link #openLoop(double)} or {@link #closedLoop(int)}; the builder
 * checks each value at once and names the setting and its allowed range.
 */
public final class LoadSpec {

  /** How calls are issued. */
  public enum Mode {
    /** Calls start on a schedule, whether or not earlier calls finished; latency is measured from the schedule. */
    OPEN_LOOP,
    /** A fixed number of callers, each starting its next call when the previous one ends. */
    CLOSED_LOOP
  }

  private final Mode mode;
  private final double rate;
  /** An open loop's rate steps, in order; empty for one rate throughout. */
  private final List<RateStep> rateSteps;
  private final Arrivals arrivals;
  private final int concurrency;
  private final Duration duration;
  private final Duration warmup;
  private final Duration deadline;
  private final int payloadBytes;
  private final int responseSize;
  private final long cpuMicros;
  private final long ioMicros;
  private final long seed;
  private final Duration lateThreshold;
  private final boolean warmupUntilSteady;
  private final double maxErrorShare;
  private final int generatorIndex;
  private final int generators;
  private final Instant startAt;
  /** The method called instead of the echo service's, or null. */
  private final CallSpec call;

  /**
   * The cap on calls in flight of an open-loop run that sets none: a server that cannot keep up meets
   * back-pressure (sends wait for a slot, and the wait counts in the corrected latency) instead of an unbounded
   * flood of streams. {@code concurrency(0)} lifts it.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1000;

  /** The share of failed calls above which a run did not hold (1 %). */
  public static final double DEFAULT_MAX_ERROR_SHARE = 0.01;

  private LoadSpec(Builder b) {
    this.mode = b.mode;
    this.rate = b.rate;
    this.rateSteps = b.rateSteps;
    this.arrivals = b.arrivals;
    this.concurrency = b.concurrency;
    this.duration = b.duration;
    this.warmup = b.warmup;
    this.deadline = b.deadline;
    this.payloadBytes = b.payloadBytes;
    this.responseSize = b.responseSize;
    this.cpuMicros = b.cpuMicros;
    this.ioMicros = b.ioMicros;
    this.seed = b.seed;
    this.lateThreshold = b.lateThreshold;
    this.warmupUntilSteady = b.warmupUntilSteady;
    this.maxErrorShare = b.maxErrorShare;
    this.generatorIndex = b.generatorIndex;
    this.generators = b.generators;
    this.startAt = b.startAt;
    this.call = b.call;
  }

  /**
   * An open-loop run at {@code ratePerSecond} calls per second.
   *
   * @throws IllegalArgumentException if the rate is not a finite number &gt; 0
   */
  public static Builder openLoop(double ratePerSecond) {
    return new Builder(Mode.OPEN_LOOP).rate(ratePerSecond);
  }

  /**
   * An open-loop run whose rate changes in steps, measured for their total duration: each step's rate for its
   * duration, in order (low, high, low again, to watch a pool follow the load). The warm-up, which must be a fixed
   * time, runs at the first step's rate. {@link #rate()} is then the highest step's rate.
   *
   * @throws IllegalArgumentException if there is no step, or no step has a rate &gt; 0
   */
  public static Builder openLoop(List<RateStep> steps) {
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException("rate steps must hold at least one step");
    }
    double peak = steps.stream().mapToDouble(RateStep::ratePerSecond).max().orElse(0);
    if (!(peak > 0)) {
      throw new IllegalArgumentException("rate steps must have a rate > 0 calls/s in some step, were " + steps);
    }
    Builder b = new Builder(Mode.OPEN_LOOP).rate(peak);
    b.rateSteps = List.copyOf(steps);
    return b;
  }

  /**
   * One step of an open loop whose rate changes: {@code ratePerSecond} calls per second (0: none) for
   * {@code duration}.
   */
  public record RateStep(double ratePerSecond, Duration duration) {
    /** @throws IllegalArgumentException for a rate that is not a finite number &gt;= 0, or a duration &lt;= 0 */
    public RateStep {
      if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
        throw new IllegalArgumentException("a step's rate must be >= 0 calls/s, was " + ratePerSecond);
      }
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("a step's duration must be > 0, was " + text(duration));
      }
    }

    /**
     * Parses steps written {@code RATE:DURATION,RATE:DURATION,...}, e.g. {@code 500:20s,4000:20s,0:10s}.
     *
     * @param durations parses a duration such as {@code 20s}, throwing on bad input
     * @throws IllegalArgumentException naming the step and what is wrong with it
     */
    public static List<RateStep> parse(String text, Function<String, Duration> durations) {
      List<RateStep> steps = new ArrayList<>();
      for (String part : text.split(",", -1)) {
        String[] f = part.trim().split(":", -1);
        if (f.length != 2) {
          throw new IllegalArgumentException("'" + part.trim() + "' is not RATE:DURATION (e.g. 500:20s,4000:20s)");
        }
        double rate;
        try {
          rate = Double.parseDouble(f[0].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + part.trim() + "': '" + f[0].trim() + "' is not a rate in calls/s");
        }
        steps.add(new RateStep(rate, durations.apply(f[1].trim())));
      }
      return steps;
    }

    @Override
    public String toString() {
      return SummaryText.number(ratePerSecond) + "/s for " + DurationText.of(duration);
    }
  }

  /**
   * A closed-loop run with {@code callers} concurrent callers.
   *
   * @throws IllegalArgumentException if {@code callers} is not in 1..100000
   */
  public static Builder closedLoop(int callers) {
    Builder b = new Builder(Mode.CLOSED_LOOP);
    return b.concurrency(callers);
  }

  public Mode mode() {
    return mode;
  }

  /** Calls per second of an open-loop run (the highest step's, when it steps); 0 for a closed-loop run. */
  public double rate() {
    return rate;
  }

  /** The rate steps of an open loop whose rate changes, in order; empty when one rate holds throughout. */
  public List<RateStep> rateSteps() {
    return rateSteps;
  }

  /** The rate for people: {@code 2,000 calls/s}, or the steps ({@code 500/s for 20s, then 4,000/s for 20s}). */
  public String rateText() {
    if (rateSteps.isEmpty()) {
      return SummaryText.number(rate) + " calls/s";
    }
    return "steps of " + rateSteps.stream().map(RateStep::toString).collect(Collectors.joining(", then "));
  }

  public Arrivals arrivals() {
    return arrivals;
  }

  /**
   * Callers of a closed-loop run; the cap on calls in flight of an open-loop run (0: no cap; default
   * {@link #DEFAULT_MAX_IN_FLIGHT}).
   */
  public int concurrency() {
    return concurrency;
  }

  public Duration duration() {
    return duration;
  }

  /**
   * A fixed warm-up; with {@link #warmupUntilSteady()}, the longest the warm-up may last ({@link WarmUp#MAX}).
   */
  public Duration warmup() {
    return warmup;
  }

  /** Whether the warm-up lasts until the run is steady (see {@link WarmUp}) rather than a fixed time. */
  public boolean warmupUntilSteady() {
    return warmupUntilSteady;
  }

  /** The share of failed calls (of the calls that ended) above which the run did not hold, in [0, 1]. */
  public double maxErrorShare() {
    return maxErrorShare;
  }

  public Duration deadline() {
    return deadline;
  }

  public int payloadBytes() {
    return payloadBytes;
  }

  public int responseSize() {
    return responseSize;
  }

  public long cpuMicros() {
    return cpuMicros;
  }

  public long ioMicros() {
    return ioMicros;
  }

  public long seed() {
    return seed;
  }

  /** This generator among {@link #generators()}, from 0; 0 for a run of one generator. */
  public int generatorIndex() {
    return generatorIndex;
  }

  /**
   * How many generators share the load; 1 for a run of one. Each sends its own {@link #rate()} (and has its own
   * {@link #concurrency()}): its share. Open-loop generators take every {@code generators()}-th arrival of the
   * whole schedule, so that together they send it as one generator would ({@link Arrivals}).
   */
  public int generators() {
    return generators;
  }

  /** The wall-clock instant the run starts at (warm-up first, then the measurement); null to start at once. */
  public Instant startAt() {
    return startAt;
  }

  /** The method called instead of the echo service's unary call, or null for the echo call. */
  public CallSpec call() {
    return call;
  }

  /**
   * The echo call this spec describes: its payload, response size and simulated work.
   *
   * @throws IllegalStateException if the spec calls another method ({@link #call}), whose template needs the
   *     method's descriptor
   */
  public CallTemplate echoTemplate() {
    if (call != null) {
      throw new IllegalStateException("the load calls " + call + ", not the echo service: resolve its template");
    }
    return CallTemplate.fixed(EchoGrpc.getUnaryMethod(), EchoRequest.newBuilder()
        .setPayload(ByteString.copyFrom(new byte[payloadBytes]))
        .setResponseSize(responseSize)
        .setCpuMicros(cpuMicros)
        .setIoMicros(ioMicros)
        .build());
  }

  /** A call sent later than its intended time by more than this is counted as late. */
  public Duration lateThreshold() {
    return lateThreshold;
  }

  /** The same load as an open loop at {@code ratePerSecond}; a closed loop's callers become the in-flight cap. */
  public LoadSpec atRate(double ratePerSecond) {
    return copyInto(openLoop(ratePerSecond)).concurrency(concurrency).build();
  }

  /** The same load as a closed loop of {@code callers}. */
  public LoadSpec withCallers(int callers) {
    return copyInto(closedLoop(callers)).build();
  }

  /** The same load with a fixed warm-up. */
  public LoadSpec withWarmup(Duration fixed) {
    Builder b = mode == Mode.CLOSED_LOOP ? closedLoop(concurrency)
        : rateSteps.isEmpty() ? openLoop(rate) : openLoop(rateSteps);
    return copyInto(b).concurrency(concurrency).warmup(fixed).build();
  }

  private Builder copyInto(Builder b) {
    b.arrivals(arrivals).duration(duration).deadline(deadline).payloadBytes(payloadBytes).responseSize(responseSize)
        .cpuMicros(cpuMicros).ioMicros(ioMicros).seed(seed).lateThreshold(lateThreshold)
        .maxErrorShare(maxErrorShare).generator(generatorIndex, generators).startAt(startAt).call(call);
    if (warmupUntilSteady) {
      b.warmupUntilSteady();
    } else {
      b.warmup(warmup);
    }
    return b;
  }

  /** The settings as a flat map in a stable order, for the run's summary. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode.name());
    if (mode == Mode.OPEN_LOOP) {
      m.put("rate", rate);
      if (!rateSteps.isEmpty()) {
        m.put("rateSteps", rateSteps.stream().map(RateStep::toString).toList());
      }
      m.put("arrivals", arrivals.name());
      m.put("maxInFlight", concurrency == 0 ? "unlimited" : concurrency);
      m.put("lateThresholdMicros", lateThreshold.toNanos() / 1000);
    } else {
      m.put("concurrency", concurrency);
    }
    m.put("durationMillis", duration.toMillis());
    m.put("warmup", warmupUntilSteady ? "until steady (" + WarmUp.describeRule() + ")"
        : warmup.toMillis() + " ms");
    m.put("maxErrorShare", maxErrorShare);
    m.put("deadlineMillis", deadline.isZero() ? "none" : deadline.toMillis());
    if (call != null) {
      m.put("call", call.toMap());
    } else {
      m.put("payloadBytes", payloadBytes);
      m.put("responseSize", responseSize);
      m.put("cpuMicros", cpuMicros);
      m.put("ioMicros", ioMicros);
    }
    m.put("seed", seed);
    if (generators > 1) {
      m.put("generator", generatorIndex);
      m.put("generators", generators);
    }
    if (startAt != null) {
      m.put("startAt", startAt.toString());
    }
    return m;
  }

  @Override
  public String toString() {
    return "LoadSpec" + toMap();
  }

  /** Builder of {@link LoadSpec}; not thread-safe. */
  public static final class Builder {
    private final Mode mode;
    private double rate;
    private List<RateStep> rateSteps = List.of();
    private Arrivals arrivals = Arrivals.UNIFORM;
    private int concurrency;
    private Duration duration = Duration.ofSeconds(10);
    private Duration warmup = Duration.ZERO;
    private Duration deadline = Duration.ofSeconds(10);
    private int payloadBytes = 64;
    private int responseSize;
    private long cpuMicros;
    private long ioMicros;
    private long seed = 42;
    private Duration lateThreshold = Duration.ofMillis(1);
    private boolean warmupUntilSteady;
    private double maxErrorShare = DEFAULT_MAX_ERROR_SHARE;
    private int generatorIndex;
    private int generators = 1;
    private Instant startAt;
    private CallSpec call;

    private Builder(Mode mode) {
      this.mode = mode;
      this.concurrency = mode == Mode.OPEN_LOOP ? DEFAULT_MAX_IN_FLIGHT : 0;
    }

    private Builder rate(double ratePerSecond) {
      if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
        throw new IllegalArgumentException("rate must be > 0 calls/s, was " + ratePerSecond);
      }
      this.rate = ratePerSecond;
      return this;
    }

    /** Calls {@code call}'s method instead of the echo service (null: the echo call); default null. */
    public Builder call(CallSpec call) {
      this.call = call;
      return this;
    }

    /** Spacing of open-loop calls; default {@link Arrivals#UNIFORM}. */
    public Builder arrivals(Arrivals arrivals) {
      if (arrivals == null) {
        throw new IllegalArgumentException("arrivals must be UNIFORM or POISSON");
      }
      this.arrivals = arrivals;
      return this;
    }

    /**
     * Closed loop: the number of callers (1..100000). Open loop: the cap on calls in flight (0..100000, 0 = no cap;
     * default {@link LoadSpec#DEFAULT_MAX_IN_FLIGHT}).
     */
    public Builder concurrency(int concurrency) {
      int min = mode == Mode.CLOSED_LOOP ? 1 : 0;
      if (concurrency < min || concurrency > 100_000) {
        throw new IllegalArgumentException(
            "concurrency must be in " + min + "..100000, was " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /** How long calls are measured, after the warm-up; &gt; 0 and at most 24 h. Default 10 s. */
    public Builder duration(Duration duration) {
      if (duration == null || duration.isNegative() || duration.isZero()
          || duration.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("duration must be > 0 and at most 24h, was " + text(duration));
      }
      this.duration = duration;
      return this;
    }

    /**
     * Calls before measuring starts (sent the same way, not recorded), for a fixed time in 0..1 h; an open loop
     * ramps its rate up over the first half of it, at most {@link WarmUp#RAMP}. Default 0.
     */
    public Builder warmup(Duration warmup) {
      if (warmup == null || warmup.isNegative() || warmup.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("warmup must be in 0..1h, was " + text(warmup));
      }
      this.warmup = warmup;
      this.warmupUntilSteady = false;
      return this;
    }

    /** Warms up until the run is steady, by {@link WarmUp}'s rule, for at most {@link WarmUp#MAX}. */
    public Builder warmupUntilSteady() {
      this.warmup = WarmUp.MAX;
      this.warmupUntilSteady = true;
      return this;
    }

    /** The share of failed calls above which the run did not hold, in 0..1 (0.01 = 1 %). Default 1 %. */
    public Builder maxErrorShare(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("max error share must be in 0..1 (0..100 %), was " + share);
      }
      this.maxErrorShare = share;
      return this;
    }

    /**
     * Deadline of each call, at most 1 h; {@link Duration#ZERO} for none (as h2load, which sends no
     * {@code grpc-timeout}: saves a timer per call). Default 10 s.
     */
    public Builder deadline(Duration deadline) {
      if (deadline == null || deadline.isNegative() || deadline.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("deadline must be in 0..1h (0: none), was " + text(deadline));
      }
      this.deadline = deadline;
      return this;
    }

    /** Request payload in bytes, 0..16 MiB. Default 64. */
    public Builder payloadBytes(int bytes) {
      this.payloadBytes = checkBytes("payload", bytes);
      return this;
    }

    /** Response payload in bytes (0: echo the request), 0..16 MiB. Default 0. */
    public Builder responseSize(int bytes) {
      this.responseSize = checkBytes("response size", bytes);
      return this;
    }

    /** CPU the server spins per call, in microseconds, 0..10 s. Default 0. */
    public Builder cpuMicros(long micros) {
      this.cpuMicros = checkMicros("cpu micros", micros);
      return this;
    }

    /** Time the server waits (holding no thread) per call, in microseconds, 0..10 s. Default 0. */
    public Builder ioMicros(long micros) {
      this.ioMicros = checkMicros("io micros", micros);
      return this;
    }

    /** Seed of the Poisson arrivals. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Lateness above which an open-loop send counts as late; 0..1 s. Default 1 ms. */
    public Builder lateThreshold(Duration threshold) {
      if (threshold == null || threshold.isNegative() || threshold.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException("late threshold must be in 0..1s, was " + text(threshold));
      }
      this.lateThreshold = threshold;
      return this;
    }

    /**
     * This generator's place among {@code count} that share one load (its rate and concurrency are its share);
     * {@code index} in {@code 0..count-1}, {@code count} in 1..1000. Default: 0 of 1.
     */
    public Builder generator(int index, int count) {
      if (count < 1 || count > 1000) {
        throw new IllegalArgumentException("generators must be in 1..1000, was " + count);
      }
      if (index < 0 || index >= count) {
        throw new IllegalArgumentException("generator index must be in 0.." + (count - 1) + ", was " + index);
      }
      this.generatorIndex = index;
      this.generators = count;
      return this;
    }

    /** The wall-clock instant to start at; null (default) to start at once. */
    public Builder startAt(Instant startAt) {
      this.startAt = startAt;
      return this;
    }

    /**
     * The spec.
     *
     * @throws IllegalArgumentException if a start time comes with a warm-up until steady, whose end, and so the
     *     measured window, differs from generator to generator
     */
    public LoadSpec build() {
      if (startAt != null && warmupUntilSteady) {
        throw new IllegalArgumentException("a start time lines generators up only with a fixed warm-up"
            + " (e.g. --warmup 30s), not one that lasts until the run is steady");
      }
      if (!rateSteps.isEmpty()) {
        if (warmupUntilSteady) {
          throw new IllegalArgumentException("rate steps start with the measurement, so they need a fixed warm-up"
              + " (e.g. --warmup 0s or 30s), not one that lasts until the run is steady");
        }
        if (generators > 1) {
          throw new IllegalArgumentException("rate steps run on one generator, not " + generators);
        }
        // The steps are the measurement: their durations add up to it.
        Duration total = Duration.ZERO;
        for (RateStep step : rateSteps) {
          total = total.plus(step.duration());
        }
        duration(total);
      }
      return new LoadSpec(this);
    }

    private static int checkBytes(String what, int bytes) {
      if (bytes < 0 || bytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException(what + " must be in 0..16777216 bytes, was " + bytes);
      }
      return bytes;
    }

    private static long checkMicros(String what, long micros) {
      if (micros < 0 || micros > 10_000_000) {
        throw new IllegalArgumentException(what + " must be in 0..10000000, was " + micros);
      }
      return micros;
    }
  }

  private static String text(Duration d) {
    return d == null ? "nothing" : DurationText.of(d);
  }
}
