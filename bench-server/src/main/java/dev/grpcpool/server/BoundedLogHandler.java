package dev.grpcpool.server;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * A {@code java.util.logging} handler whose output stays bounded whatever the load: one line per kind of problem
 * per interval, with a count, and never a stack trace.
 *
 * <p>Under overload gRPC and Netty log a warning with a stack trace for every cancelled stream ("Stream closed
 * before write could take place": hundreds of thousands of traces, hundreds of megabytes). Here a record's
 * <em>kind</em> is its logger, level, message pattern and the class and message of its exception. The first
 * record of a kind in an interval is printed at once, as one line; the rest are counted and reported when the
 * interval closes ("... 12,345 more in the last 10 s"). At most {@link #MAX_KINDS} kinds are told apart per
 * interval; records of further kinds are counted together. So an interval prints at most
 * {@code 2 × MAX_KINDS + 1} lines of at most {@link #MAX_LINE} characters: with a 10 s interval, under 250 KB a
 * minute at any rate of records.
 *
 * <p>A command-line tool whose console is for its own results can {@linkplain #hold() hold} the lines in memory
 * and later {@linkplain #writeTo(Path) send them to a file} (a run's folder), so that library warnings never reach
 * the console; lines still held when the process ends are dropped, as they belong to a run that never started.
 *
 * <p>This class is thread-safe.
 */
public final class BoundedLogHandler extends Handler {

  /** Kinds told apart per interval. */
  public static final int MAX_KINDS = 32;
  /** Longest line printed, in characters; longer messages are cut. */
  public static final int MAX_LINE = 400;

  /** Lines kept while {@linkplain #hold() holding}; further ones are counted in {@link #heldDropped}. */
  static final int MAX_HELD = 1_000;

  private static volatile BoundedLogHandler installed;

  private final LongSupplier clock;
  private final long intervalNanos;
  private final Formatter messages = new SimpleFormatter();
  private final Map<Kind, long[]> counts = new LinkedHashMap<>();
  private long intervalStart;
  private long overflow;
  /** Where lines go when not held; guarded by this. */
  private PrintStream out;
  /** Lines kept until {@link #writeTo}, or null when not holding; guarded by this. */
  private List<String> held;
  private long heldDropped;

  /**
   * A handler printing to {@code out}, closing an interval every {@code interval} as measured by {@code clock}
   * (nanoseconds), checked whenever a record arrives and whenever {@link #flush()} is called.
   */
  public BoundedLogHandler(PrintStream out, Duration interval, LongSupplier clock) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be > 0, was " + interval);
    }
    this.out = Objects.requireNonNull(out);
    this.clock = clock;
    this.intervalNanos = interval.toNanos();
    this.intervalStart = clock.getAsLong();
    setLevel(Level.INFO);
  }

  /**
   * Replaces the root logger's handlers with one that prints bounded lines to standard error every 10 s, and
   * starts a daemon thread that closes intervals when no record arrives. For command-line processes.
   */
  public static BoundedLogHandler installOnRoot() {
    BoundedLogHandler handler = new BoundedLogHandler(System.err, Duration.ofSeconds(10), System::nanoTime);
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.addHandler(handler);
    installed = handler;
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "grpcpool-log-interval");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(handler::flush, 1, 1, TimeUnit.SECONDS);
    return handler;
  }

  /** The handler {@link #installOnRoot()} put on the root logger of this process, if any. */
  public static Optional<BoundedLogHandler> installed() {
    return Optional.ofNullable(installed);
  }

  /** From now on lines are kept in memory (at most {@value #MAX_HELD}) until {@link #writeTo} or {@link #release}. */
  public synchronized void hold() {
    if (held == null) {
      held = new ArrayList<>();
      heldDropped = 0;
    }
  }

  /**
   * Appends the held lines to {@code file} (created if missing) and sends every later line there too.
   *
   * @throws UncheckedIOException if the file cannot be opened
   */
  public void writeTo(Path file) {
    OutputStream stream;
    try {
      stream = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the log " + file, e);
    }
    switchTo(new PrintStream(stream, true, StandardCharsets.UTF_8));
  }

  /** Prints the held lines to {@code stream} and sends every later line there too. */
  public void release(PrintStream stream) {
    switchTo(Objects.requireNonNull(stream));
  }

  private synchronized void switchTo(PrintStream next) {
    PrintStream previous = out;
    out = next;
    if (held != null) {
      held.forEach(next::println);
      if (heldDropped > 0) {
        next.printf("... %,d more lines while the log was held (only %d are kept)%n", heldDropped, MAX_HELD);
      }
      held = null;
    }
    next.flush();
    if (previous != System.err && previous != System.out && previous != next) {
      previous.close();
    }
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null || !isLoggable(record)) {
      return;
    }
    Kind kind = Kind.of(record);
    String line = null;
    List<String> closed;
    synchronized (this) {
      closed = rollIfDue();
      long[] n = counts.get(kind);
      if (n != null) {
        n[0]++;
      } else if (counts.size() < MAX_KINDS) {
        counts.put(kind, new long[] {1});
        line = line(record);
      } else {
        overflow++;
      }
    }
    print(closed);
    if (line != null) {
      print(List.of(line));
    }
  }

  @Override
  public void flush() {
    List<String> closed;
    synchronized (this) {
      closed = rollIfDue();
    }
    print(closed);
    synchronized (this) {
      out.flush();
    }
  }

  @Override
  public void close() {
    List<String> closed;
    synchronized (this) {
      closed = roll();
    }
    print(closed);
    synchronized (this) {
      out.flush();
    }
  }

  /** The interval's repeat counts, when it is over; empty otherwise. Holds the lock. */
  private List<String> rollIfDue() {
    return clock.getAsLong() - intervalStart >= intervalNanos ? roll() : List.of();
  }

  private List<String> roll() {
    List<String> lines = new ArrayList<>();
    long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(clock.getAsLong() - intervalStart));
    counts.forEach((kind, n) -> {
      if (n[0] > 1) {
        lines.add(cut(String.format("... %,d more in the last %d s: %s", n[0] - 1, seconds, kind.text())));
      }
    });
    if (overflow > 0) {
      lines.add(String.format("... %,d more records of other kinds in the last %d s (only %d kinds are told apart)",
          overflow, seconds, MAX_KINDS));
    }
    counts.clear();
    overflow = 0;
    intervalStart = clock.getAsLong();
    return lines;
  }

  private synchronized void print(List<String> lines) {
    for (String l : lines) {
      if (held == null) {
        out.println(l);
      } else if (held.size() < MAX_HELD) {
        held.add(l);
      } else {
        heldDropped++;
      }
    }
  }

  /**
   * Logger, level, the message's pattern (not its arguments) and the exception's class and message: compared
   * field by field, so that counting a record builds no string.
   */
  private record Kind(String logger, Level level, String message, Class<?> thrown, String thrownMessage) {
    static Kind of(LogRecord r) {
      Throwable t = r.getThrown();
      return new Kind(r.getLoggerName(), r.getLevel(), r.getMessage(), t == null ? null : t.getClass(),
          t == null ? null : t.getMessage());
    }

    String text() {
      StringBuilder sb = new StringBuilder();
      sb.append(level.getName()).append(' ').append(shortName(logger)).append(": ").append(message);
      if (thrown != null) {
        sb.append(" (").append(thrown.getSimpleName());
        if (thrownMessage != null) {
          sb.append(": ").append(thrownMessage);
        }
        sb.append(')');
      }
      return sb.toString().replace('\n', ' ');
    }
  }

  /** The record's text with its arguments, its exception's class and message, and no stack trace. */
  private String line(LogRecord r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.getLevel().getName()).append(' ').append(shortName(r.getLoggerName())).append(": ")
        .append(messages.formatMessage(r));
    Throwable t = r.getThrown();
    if (t != null) {
      sb.append(" (").append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        sb.append(": ").append(t.getMessage());
      }
      sb.append(')');
    }
    return cut(sb.toString().replace('\n', ' '));
  }

  private static String shortName(String logger) {
    if (logger == null) {
      return "(anonymous)";
    }
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }

  private static String cut(String s) {
    return s.length() <= MAX_LINE ? s : s.substring(0, MAX_LINE - 3) + "...";
  }
}
