package dev.grpcpool.server;

import java.io.File;
import java.time.Duration;

/** Argument checks shared by the builders, with messages that name the setting. Stateless and thread-safe. */
final class Checks {

  private Checks() {}

  static void refuseForInProcess(boolean set, String setting) {
    if (set) {
      throw new IllegalStateException(setting + " is a Netty setting; an in-process server cannot apply it");
    }
  }

  static String nonEmpty(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  static Duration notNegative(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + d);
    }
    return d;
  }

  static Duration positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + d);
    }
    return d;
  }

  static File readable(File f, String name) {
    if (f == null || !f.isFile() || !f.canRead()) {
      throw new IllegalArgumentException(name + " is not a readable file: " + f);
    }
    return f;
  }
}
