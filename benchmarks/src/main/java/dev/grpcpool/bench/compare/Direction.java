package dev.grpcpool.bench.compare;

import java.util.Locale;
import java.util.Set;

/**
 * Which way is better for a figure, read from its unit: a rate ({@code ops/s}, {@code ops/ms}, …) is better
 * higher, a cost per operation ({@code ns/op}, {@code B/op}, …) is better lower. Other units
 * ({@code MB/sec}, {@code counts}, {@code ms}) have no direction and are not gated.
 *
 * <p>Thread-safe (an enum).
 */
public enum Direction {
  HIGHER_IS_BETTER,
  LOWER_IS_BETTER,
  NONE;

  private static final Set<String> TIME_UNITS = Set.of("ns", "us", "µs", "ms", "s", "min", "hr", "day");
  private static final java.util.Map<String, Double> SECONDS = java.util.Map.of(
      "ns", 1e-9, "us", 1e-6, "µs", 1e-6, "ms", 1e-3, "s", 1.0, "min", 60.0, "hr", 3600.0, "day", 86400.0);

  /** The direction of {@code unit}; {@link #NONE} when the unit does not say. */
  public static Direction fromUnit(String unit) {
    String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
    if (u.startsWith("ops/")) {
      return HIGHER_IS_BETTER;
    }
    if (u.endsWith("/op")) {
      return LOWER_IS_BETTER;
    }
    return NONE;
  }

  /**
   * Whether {@code unit} is operations per time or time per operation: the figures a faster machine moves
   * and that {@code --normalize-by} therefore rescales (bytes per operation are left alone).
   */
  static boolean isTimeBased(String unit) {
    String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
    if (u.startsWith("ops/")) {
      return TIME_UNITS.contains(u.substring(4));
    }
    if (u.endsWith("/op")) {
      return TIME_UNITS.contains(u.substring(0, u.length() - 3));
    }
    return false;
  }

  /**
   * The factor that converts a figure in unit {@code from} to unit {@code to} ({@code ops/ms} to {@code ops/s}
   * is 1000); 1 for equal units, NaN when they cannot be converted.
   */
  static double conversion(String from, String to) {
    String f = from.trim().toLowerCase(Locale.ROOT);
    String t = to.trim().toLowerCase(Locale.ROOT);
    if (f.equals(t)) {
      return 1.0;
    }
    if (!isTimeBased(f) || !isTimeBased(t) || fromUnit(f) != fromUnit(t)) {
      return Double.NaN;
    }
    if (f.startsWith("ops/")) {
      return SECONDS.get(t.substring(4)) / SECONDS.get(f.substring(4));
    }
    return SECONDS.get(f.substring(0, f.length() - 3)) / SECONDS.get(t.substring(0, t.length() - 3));
  }

  /**
   * The change expressed so that a positive value is always an improvement: {@code (candidate − baseline) /
   * baseline}, sign flipped when lower is better.
   */
  double improvement(double baseline, double candidate) {
    double rel = (candidate - baseline) / Math.abs(baseline);
    return this == LOWER_IS_BETTER ? -rel : rel;
  }
}
