package dev.grpcpool.bench.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The judgement of a load run, made before it is summarized: did the target hold the load, and can the figures be
 * trusted? A run that measured its own backlog, or nothing at all, says so in words and in its exit code.
 *
 * <p>The rules, each checked on the measured calls (shares are of the calls sent):
 * <ul>
 *   <li>{@link Problem#NOTHING_SUCCEEDED}: no call ended ok;
 *   <li>{@link Problem#GENERATOR_BEHIND} (open loop): more than {@value #MAX_GENERATOR_LATE_PERCENT} % of the sends
 *       were more than 10 ms behind the schedule while a slot was free, or more than
 *       {@value #MAX_GENERATOR_MISSED_PERCENT} % of the calls asked for were never sent for that reason: the
 *       generator itself could not keep its schedule, so the figures describe it, not the target; likewise when
 *       the rate asked for is more than the process can start at all ({@link SendCeiling});
 *   <li>{@link Problem#OVERLOADED}: more than {@value #MAX_UNFINISHED_PERCENT} % of the calls were unfinished
 *       at the end, or (open loop) the calls in flight grew during the measurement by more than
 *       {@value #MAX_BACKLOG_GROWTH_PERCENT} % of the calls sent (and more than {@value #MIN_BACKLOG_GROWTH}): the
 *       queue grew, so the target served fewer calls than it was sent; or more than {@value #MAX_MISSED_PERCENT} %
 *       of the calls were never sent because every slot stayed taken to the end: the target did not keep up. Sends
 *       that waited for a slot and were then served are queueing, not a shortfall: the summary counts them and the
 *       corrected latency carries their wait, which is what an objective ({@link FindMax}) judges;
 *   <li>{@link Problem#ERRORS}: failed calls above the run's maximum error share of the calls that ended.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class RunVerdict {

  /**
   * 5 %: a stall of a few tens of milliseconds (a collection, another process taking the cores) makes a handful of
   * sends late and is reported in the summary, but it is not a generator that cannot keep its schedule.
   */
  static final double MAX_GENERATOR_LATE_PERCENT = 5;
  static final double MAX_GENERATOR_MISSED_PERCENT = 1;
  /**
   * 1 %, as for unfinished calls: when the cap on calls in flight is full at the end of the measurement, the calls
   * due while it drains are never sent; in a 5 s step at 20,000/s a 5 ms hiccup at the end is 0.1 %.
   */
  static final double MAX_MISSED_PERCENT = 1;
  static final double MAX_UNFINISHED_PERCENT = 1;
  static final double MAX_BACKLOG_GROWTH_PERCENT = 2;
  static final long MIN_BACKLOG_GROWTH = 20;

  /** Why a run did not hold, most serious first; each with its exit code. */
  public enum Problem {
    NOTHING_SUCCEEDED(6, "nothing succeeded"),
    GENERATOR_BEHIND(5, "the generator could not keep its schedule"),
    OVERLOADED(4, "the target did not keep up"),
    ERRORS(1, "too many calls failed");

    private final int exitCode;
    private final String headline;

    Problem(int exitCode, String headline) {
      this.exitCode = exitCode;
      this.headline = headline;
    }

    /** The process exit code of {@code grpcpool load} when this is the most serious problem. */
    public int exitCode() {
      return exitCode;
    }

    public String headline() {
      return headline;
    }
  }

  /** One problem found and the figures that show it. */
  public record Finding(Problem problem, String detail) {}

  private final List<Finding> findings;

  private RunVerdict(List<Finding> findings) {
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparing(Finding::problem));
    this.findings = List.copyOf(sorted);
  }

  /** Judges a run from its counts. */
  static RunVerdict judge(LoadResult r) {
    List<Finding> found = new ArrayList<>();
    LoadSpec spec = r.spec();
    long ended = r.ok() + r.failed();
    if (r.ok() == 0) {
      found.add(new Finding(Problem.NOTHING_SUCCEEDED, r.sent() == 0
          ? "no call was sent in the measured time"
          : String.format(Locale.ROOT, "0 of %,d calls sent ended ok (%,d failed, %,d unfinished)",
              r.sent(), r.failed(), r.unfinished())));
    }
    boolean open = spec.mode() == LoadSpec.Mode.OPEN_LOOP;
    if (open) {
      double generatorLate = percent(r.generatorBehind(), r.sent());
      double generatorMissed = percent(r.missedByGenerator(), r.intended());
      double ceiling = r.lag().sendCeiling();
      if (!Double.isNaN(ceiling) && spec.rate() > SendCeiling.BEYOND_FACTOR * ceiling) {
        found.add(new Finding(Problem.GENERATOR_BEHIND, String.format(Locale.ROOT,
            "%s/s were asked for, more than the %,.0f calls/s this process could start even to a channel that"
                + " does nothing; whatever else the run shows, it measured the generator",
            SummaryText.number(spec.rate()), ceiling)));
      } else if (generatorLate > MAX_GENERATOR_LATE_PERCENT || generatorMissed > MAX_GENERATOR_MISSED_PERCENT) {
        found.add(new Finding(Problem.GENERATOR_BEHIND, String.format(Locale.ROOT,
            "%.1f %% of the sends were more than 10 ms behind the schedule with a slot free, %,d calls were never"
                + " sent, the longest lag was %.1f ms; its figures describe the generator, not the target"
                + " (use a lower rate or several generators)",
            generatorLate, r.missedByGenerator(), r.maxLagNanos() / 1e6)));
      }
    }
    double waited = open ? percent(r.lateWaitingForSlot(), r.sent()) : 0;
    double unfinished = percent(r.unfinished(), r.sent());
    long missedBySlots = r.missed() - r.missedByGenerator();
    long growth = r.backlog().growth();
    // A closed loop never has more calls in flight than callers: a rise only means its callers started after the
    // measurement did (no warm-up), not that the target fell behind.
    boolean queueGrew = open && growth > Math.max(MIN_BACKLOG_GROWTH, MAX_BACKLOG_GROWTH_PERCENT / 100 * r.sent());
    boolean missedMany = missedBySlots > MAX_MISSED_PERCENT / 100 * r.intended();
    if (unfinished > MAX_UNFINISHED_PERCENT || missedMany || queueGrew) {
      found.add(new Finding(Problem.OVERLOADED, open
          ? String.format(Locale.ROOT,
              "calls in flight grew from %,d to %,d during the measurement, %.1f %% of the sends waited for one of"
                  + " the %s slots, %.1f %% of the calls were unfinished at the end, %,d were never sent; ok calls"
                  + " came back at %,.1f/s of the %s asked for",
              r.backlog().atStart(), r.backlog().atEnd(), waited,
              spec.concurrency() == 0 ? "unlimited" : String.format(Locale.ROOT, "%,d", spec.concurrency()),
              unfinished, missedBySlots, r.okRate(), spec.rateText())
          : String.format(Locale.ROOT, "%.1f %% of the calls (%,d) were unfinished at the end", unfinished,
              r.unfinished())));
    }
    if (ended > 0 && r.ok() > 0 && r.failed() > spec.maxErrorShare() * ended) {
      found.add(new Finding(Problem.ERRORS, String.format(Locale.ROOT,
          "%.2f %% of the calls that ended failed (%,d of %,d), above the %.2f %% allowed",
          100.0 * r.failed() / ended, r.failed(), ended, 100 * spec.maxErrorShare())));
    }
    return new RunVerdict(found);
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  /** True when no problem was found. */
  public boolean held() {
    return findings.isEmpty();
  }

  /** The problems found, most serious first; empty when the run held. */
  public List<Finding> findings() {
    return findings;
  }

  /** 0 when the run held, else the exit code of the most serious problem. */
  public int exitCode() {
    return findings.isEmpty() ? 0 : findings.get(0).problem().exitCode();
  }

  /** {@code HELD} or the most serious problem's name. */
  public String outcome() {
    return findings.isEmpty() ? "HELD" : findings.get(0).problem().name();
  }

  /** One line per finding, or one line saying the run held. */
  public List<String> lines() {
    if (findings.isEmpty()) {
      return List.of("HELD: every check passed (schedule kept, the target kept up, errors within the allowed share)");
    }
    List<String> lines = new ArrayList<>();
    for (Finding f : findings) {
      lines.add(f.problem().name() + " (exit " + f.problem().exitCode() + "): " + f.problem().headline() + ": "
          + f.detail());
    }
    return lines;
  }
}
