package dev.grpcpool.bench.cli;

import dev.grpcpool.core.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code load}'s options for one of several generators that share one load — processes on one machine or pods
 * of a Kubernetes Indexed Job: a common wall-clock start, so that their seconds line up, and this generator's
 * share of the rate and of the calls in flight.
 *
 * <p>Filled by picocli, then read once; not thread-safe.
 */
public final class GeneratorOptions {

  /** The environment variable a Kubernetes Indexed Job sets to each pod's index. */
  public static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
  /** How far ahead a start may be: further is more likely a mistake than a plan. */
  public static final Duration MAX_AHEAD = Duration.ofHours(1);
  /** The warm-up of a run with a start time and no --warmup: fixed, so that every generator measures alike. */
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(30);
  /** The most generators one load is split into. */
  public static final int MAX_GENERATORS = 1000;

  @Option(names = "--start-at", paramLabel = "INSTANT",
      description = "Start (the warm-up, then the measurement) at this UTC time, e.g. 2026-12-01T10:00:00Z, within"
          + " the next hour. Generators given the same time measure the same seconds. Needs a fixed --warmup"
          + " (default then: 30s).")
  String startAt;

  @Option(names = "--start-in", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Start this long from now, e.g. 30s (at most 1h); as --start-at.")
  Duration startIn;

  @Option(names = "--generators", paramLabel = "N",
      description = "Generators sharing this load (1..1000, default 1): each sends 1/N of --rate and of"
          + " --concurrency, its open-loop calls placed so that together they follow one even schedule."
          + " Needs --target.")
  Integer generators;

  @Option(names = "--generator-index", paramLabel = "I",
      description = "This generator, 0..N-1. Default: the environment variable " + INDEX_ENV
          + " (set by a Kubernetes Indexed Job).")
  Integer index;

  /**
   * Where this generator stands.
   *
   * @param index this generator, {@code 0..count-1}
   * @param count generators sharing the load
   * @param startAt the common start; null to start at once
   */
  public record Plan(int index, int count, Instant startAt) {
    /** One generator, starting at once. */
    public static final Plan ALONE = new Plan(0, 1, null);

    /** This generator's part of {@code total} calls in flight (or callers): the remainder goes to the first ones. */
    public int share(int total) {
      return total / count + (index < total % count ? 1 : 0);
    }
  }

  /**
   * The plan these options describe, checked.
   *
   * @param now the current time, against which a start is judged
   * @param env the process's environment, for {@value #INDEX_ENV}
   * @throws CommandLine.ParameterException naming the option and the problem
   */
  public Plan plan(CommandLine cmd, Instant now, Map<String, String> env) {
    Instant start = start(cmd, now);
    int count = generators == null ? 1 : generators;
    if (count < 1 || count > MAX_GENERATORS) {
      throw new CommandLine.ParameterException(cmd,
          "--generators must be in 1.." + MAX_GENERATORS + ", was " + count);
    }
    int i;
    if (index != null) {
      if (generators == null) {
        throw new CommandLine.ParameterException(cmd, "--generator-index needs --generators");
      }
      i = index;
    } else if (count > 1) {
      String fromEnv = env.get(INDEX_ENV);
      if (fromEnv == null) {
        throw new CommandLine.ParameterException(cmd, "--generators " + count + " needs --generator-index (0.."
            + (count - 1) + ") or the environment variable " + INDEX_ENV);
      }
      try {
        i = Integer.parseInt(fromEnv.trim());
      } catch (NumberFormatException e) {
        throw new CommandLine.ParameterException(cmd, INDEX_ENV + " must be a whole number, was '" + fromEnv + "'");
      }
    } else {
      i = 0;
    }
    if (i < 0 || i >= count) {
      throw new CommandLine.ParameterException(cmd,
          "generator index must be in 0.." + (count - 1) + " for --generators " + count + ", was " + i);
    }
    return new Plan(i, count, start);
  }

  private Instant start(CommandLine cmd, Instant now) {
    if (startAt != null && startIn != null) {
      throw new CommandLine.ParameterException(cmd, "give --start-at or --start-in, not both");
    }
    if (startIn != null) {
      if (startIn.compareTo(MAX_AHEAD) > 0) {
        throw new CommandLine.ParameterException(cmd, "--start-in must be at most 1h, was "
            + DurationText.of(startIn));
      }
      return now.plus(startIn);
    }
    if (startAt == null) {
      return null;
    }
    Instant at;
    try {
      at = Instant.parse(startAt.trim());
    } catch (DateTimeParseException e) {
      throw new CommandLine.ParameterException(cmd, "--start-at '" + startAt
          + "' is not a UTC time such as 2026-12-01T10:00:00Z");
    }
    if (at.isBefore(now)) {
      throw new CommandLine.ParameterException(cmd, "--start-at " + at + " is in the past (now is "
          + now.truncatedTo(ChronoUnit.SECONDS) + ")");
    }
    if (Duration.between(now, at).compareTo(MAX_AHEAD) > 0) {
      throw new CommandLine.ParameterException(cmd, "--start-at " + at + " is more than 1h ahead (now is "
          + now.truncatedTo(ChronoUnit.SECONDS) + ")");
    }
    return at;
  }
}
