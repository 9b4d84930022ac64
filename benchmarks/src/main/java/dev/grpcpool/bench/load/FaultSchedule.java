package dev.grpcpool.bench.load;

import dev.grpcpool.core.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Faults to apply to an embedded fleet at set times of a load run, parsed from a spec such as
 * {@code kill:1@5s,restart:1@10s,not-serving:2@4s,serving:2@8s,slow:0=5ms@3s}.
 *
 * <p>Each comma-separated item is {@code action:backend[=extra]@time}: the action ({@code kill}, {@code restart},
 * {@code not-serving}, {@code serving}, {@code slow}), the backend index ({@code 0}, {@code 1}, … or {@code *} for
 * every backend), for {@code slow} the extra latency each call gets ({@code slow:0=0ms@9s} removes it), and the
 * time from the start of the measurement (after the warm-up), so a fault lands in that second of the timeline.
 *
 * <p>Immutable and thread-safe.
 */
public final class FaultSchedule {

  /** What happens to the backend. */
  public enum Action {
    /** Stop the server: connections close, calls fail. */
    KILL("kill"),
    /** Start a killed server again on the same address. */
    RESTART("restart"),
    /** The health service answers NOT_SERVING; echo calls still work. */
    NOT_SERVING("not-serving"),
    /** The health service answers SERVING again. */
    SERVING("serving"),
    /** Every call waits the given extra time before it is answered. */
    SLOW("slow");

    private final String word;

    Action(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    static Action of(String word, String item) {
      for (Action a : values()) {
        if (a.word.equals(word)) {
          return a;
        }
      }
      throw bad(item, "unknown action '" + word + "'; use kill, restart, not-serving, serving or slow");
    }
  }

  /** One fault: what, to which backend ({@link #ALL} for every one), and when. Immutable. */
  public static final class Fault {
    /** The backend index that stands for every backend. */
    public static final int ALL = -1;

    private final Action action;
    private final int backend;
    private final Duration extra;
    private final Duration at;
    private final String text;

    Fault(Action action, int backend, Duration extra, Duration at, String text) {
      this.action = action;
      this.backend = backend;
      this.extra = extra;
      this.at = at;
      this.text = text;
    }

    public Action action() {
      return action;
    }

    /** The backend index, or {@link #ALL}. */
    public int backend() {
      return backend;
    }

    /** The extra latency of a {@link Action#SLOW} fault; null for the others. */
    public Duration extra() {
      return extra;
    }

    /** When, from the start of the measurement. */
    public Duration at() {
      return at;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static final FaultSchedule NONE = new FaultSchedule(List.of());
  private final List<Fault> faults;

  private FaultSchedule(List<Fault> faults) {
    this.faults = List.copyOf(faults);
  }

  /** No faults. */
  public static FaultSchedule none() {
    return NONE;
  }

  /**
   * Parses a fault spec.
   *
   * @param spec comma-separated items as described in the class comment; null or blank means no faults
   * @param durations parses a duration such as {@code 5s} or {@code 500ms}, throwing on bad input
   * @throws IllegalArgumentException naming the item and what is wrong with it
   */
  public static FaultSchedule parse(String spec, Function<String, Duration> durations) {
    Objects.requireNonNull(durations, "durations");
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    List<Fault> out = new ArrayList<>();
    for (String raw : spec.split(",", -1)) {
      String item = raw.trim();
      if (item.isEmpty()) {
        throw new IllegalArgumentException("fault spec '" + spec + "' has an empty item");
      }
      out.add(parseItem(item, durations));
    }
    out.sort(Comparator.comparing(Fault::at));
    return new FaultSchedule(out);
  }

  private static Fault parseItem(String item, Function<String, Duration> durations) {
    int colon = item.indexOf(':');
    int atSign = item.lastIndexOf('@');
    if (colon < 1 || atSign < colon + 2 || atSign == item.length() - 1) {
      throw bad(item, "expected action:backend@time, e.g. kill:1@5s or slow:0=5ms@3s");
    }
    Action action = Action.of(item.substring(0, colon).toLowerCase(Locale.ROOT), item);
    String target = item.substring(colon + 1, atSign);
    Duration extra = null;
    int eq = target.indexOf('=');
    if (eq >= 0) {
      if (action != Action.SLOW) {
        throw bad(item, "only slow takes a value (slow:0=5ms@3s)");
      }
      extra = duration(item, target.substring(eq + 1), durations, "extra latency");
      target = target.substring(0, eq);
    } else if (action == Action.SLOW) {
      throw bad(item, "slow needs the extra latency, e.g. slow:0=5ms@3s");
    }
    int backend;
    if (target.equals("*")) {
      backend = Fault.ALL;
    } else {
      try {
        backend = Integer.parseInt(target);
      } catch (NumberFormatException e) {
        throw bad(item, "backend must be an index (0, 1, ...) or *, was '" + target + "'");
      }
      if (backend < 0) {
        throw bad(item, "backend index must be >= 0, was " + backend);
      }
    }
    Duration at = duration(item, item.substring(atSign + 1), durations, "time");
    return new Fault(action, backend, extra, at, item);
  }

  private static Duration duration(
      String item, String text, Function<String, Duration> durations, String what) {
    Duration d;
    try {
      d = durations.apply(text);
    } catch (RuntimeException e) {
      throw bad(item, what + " '" + text + "' is not a duration such as 500ms or 5s");
    }
    if (d == null || d.isNegative()) {
      throw bad(item, what + " must not be negative");
    }
    return d;
  }

  private static IllegalArgumentException bad(String item, String why) {
    return new IllegalArgumentException("bad fault '" + item + "': " + why);
  }

  public List<Fault> faults() {
    return faults;
  }

  public boolean isEmpty() {
    return faults.isEmpty();
  }

  /**
   * Checks that every fault names an existing backend and falls inside the run.
   *
   * @throws IllegalArgumentException naming the first fault that does not
   */
  public void check(int backends, Duration duration) {
    for (Fault f : faults) {
      if (f.backend() >= backends) {
        throw bad(f.toString(), "there are only " + backends + " backends (0.." + (backends - 1) + ")");
      }
      if (f.at().compareTo(duration) >= 0) {
        throw bad(f.toString(), "time " + DurationText.of(f.at()) + " is not inside the run's duration "
            + DurationText.of(duration));
      }
    }
  }

  @Override
  public String toString() {
    return faults.toString();
  }
}
