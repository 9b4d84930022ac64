package dev.grpcpool.bench.cli;

import dev.grpcpool.bench.load.SelfSizing;
import dev.grpcpool.core.DurationText;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of {@code grpcpool load} for a pool that sizes itself: {@code --pool-min}, {@code --pool-max} and its
 * pace and band ({@code --resize-interval}, {@code --resize-step}, {@code --calls-per-channel}), wired to
 * {@link SelfSizing}. Unset ones take the pool's defaults.
 *
 * <p>Not thread-safe; picocli fills one instance per command line.
 */
final class SelfSizingOptions {

  @Option(names = "--pool-min", paramLabel = "N",
      description = "With --pool-max: a pool that sizes itself, starting at N channels and never below them"
          + " (instead of --pool-size).")
  Integer poolMin;

  @Option(names = "--pool-max", paramLabel = "M",
      description = "With --pool-min: the most channels of a pool that sizes itself. It grows when calls wait for"
          + " a stream on their connection or calls per channel pass --calls-per-channel, and shrinks below it.")
  Integer poolMax;

  @Option(names = "--resize-interval", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "With --pool-min/--pool-max: how often the pool decides whether to resize. Default: "
          + "10s (the pool's).")
  Duration resizeInterval;

  @Option(names = "--resize-step", paramLabel = "N",
      description = "With --pool-min/--pool-max: the most channels one resize adds or removes. Default: 2 (the"
          + " pool's).")
  Integer resizeStep;

  @Option(names = "--calls-per-channel", paramLabel = "LOW:HIGH",
      description = "With --pool-min/--pool-max: the band of calls in flight per channel; above HIGH the pool"
          + " grows, below LOW it shrinks. Default: 10:50 (the pool's).")
  String callsPerChannel;

  /** Whether any of these options was given. */
  boolean given() {
    return poolMin != null || poolMax != null || resizeInterval != null || resizeStep != null
        || callsPerChannel != null;
  }

  /**
   * The bounds of a pool that sizes itself, or null when none are given (a fixed size).
   *
   * @param cmd the command line, to tell which options were given
   * @param singleChannel whether the run has one channel and no pool
   * @throws CommandLine.ParameterException in one line: with a fixed size or no pool, only one bound, or a value
   *     the pool refuses (its message, after the options given)
   */
  SelfSizing sizing(CommandLine cmd, boolean singleChannel) {
    if (poolMin == null && poolMax == null) {
      if (LoadCommand.LoadOptions.specified(cmd, "--resize-interval", "--resize-step", "--calls-per-channel")) {
        throw new CommandLine.ParameterException(cmd, "--resize-interval, --resize-step and --calls-per-channel"
            + " tune a pool that sizes itself; add --pool-min and --pool-max");
      }
      return null;
    }
    if (poolMin == null || poolMax == null) {
      throw new CommandLine.ParameterException(cmd, "--pool-min and --pool-max go together: the pool sizes itself"
          + " between them");
    }
    if (singleChannel) {
      throw new CommandLine.ParameterException(cmd, "--single-channel has no pool to size; drop --pool-min and"
          + " --pool-max");
    }
    if (LoadCommand.LoadOptions.specified(cmd, "--pool-size")) {
      throw new CommandLine.ParameterException(cmd, "--pool-size fixes the pool's size, --pool-min and --pool-max"
          + " let it size itself; give one or the other");
    }
    if (poolMin.equals(poolMax)) {
      throw new CommandLine.ParameterException(cmd, "--pool-min and --pool-max are both " + poolMin
          + ": that is a fixed size; give --pool-size " + poolMin);
    }
    String given = "--pool-min " + poolMin + " --pool-max " + poolMax;
    try {
      SelfSizing sizing = SelfSizing.between(poolMin, poolMax);
      if (resizeInterval != null) {
        given = "--resize-interval " + DurationText.of(resizeInterval);
        sizing = sizing.withResizeInterval(resizeInterval);
      }
      if (resizeStep != null) {
        given = "--resize-step " + resizeStep;
        sizing = sizing.withMaxResizeStep(resizeStep);
      }
      if (callsPerChannel != null) {
        given = "--calls-per-channel " + callsPerChannel;
        String[] band = callsPerChannel.trim().split(":", -1);
        if (band.length != 2) {
          throw new IllegalArgumentException("give LOW:HIGH calls in flight per channel, e.g. 10:50");
        }
        sizing = sizing.withCallsPerChannel(Integer.parseInt(band[0].trim()), Integer.parseInt(band[1].trim()));
      }
      return sizing;
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(cmd, given + ": give LOW:HIGH as whole numbers, e.g. 10:50");
    } catch (IllegalArgumentException e) {
      // The pool's own check names the setting (minSize, resizeInterval, ...); the prefix names the option.
      throw new CommandLine.ParameterException(cmd, given + ": " + e.getMessage());
    }
  }
}
