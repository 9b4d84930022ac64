package dev.grpcpool.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link BoundedLogHandler}. */
class BoundedLogHandlerTest {

  private final AtomicLong now = new AtomicLong();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final BoundedLogHandler handler =
      new BoundedLogHandler(new PrintStream(bytes, true, StandardCharsets.UTF_8), Duration.ofSeconds(10), now::get);

  private static LogRecord streamError() {
    LogRecord r = new LogRecord(Level.WARNING, "Stream Error");
    r.setLoggerName("io.grpc.netty.NettyServerHandler");
    r.setThrown(new IllegalStateException("Stream closed before write could take place"));
    return r;
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void repeatedRecords_printOnceThenACountPerInterval_neverAStackTrace() {
    for (int i = 0; i < 100_000; i++) {
      handler.publish(streamError());
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    handler.flush();

    assertThat(output().lines()).containsExactly(
        "WARNING NettyServerHandler: Stream Error (IllegalStateException: Stream closed before write could take place)",
        "... 99,999 more in the last 10 s: WARNING NettyServerHandler: Stream Error (IllegalStateException: Stream"
            + " closed before write could take place)");
    assertThat(output()).doesNotContain("\tat ");
  }

  @Test
  void anyLoad_staysUnderAMegabyteAMinute() {
    // A minute of a flood: 10,000 records a second of 3 kinds, and 500 distinct messages a second.
    for (int second = 0; second < 60; second++) {
      for (int i = 0; i < 5_000; i++) {
        handler.publish(streamError());
        LogRecord other = new LogRecord(Level.WARNING, "connection " + (i % 2) + " closed");
        other.setLoggerName("io.netty.channel.DefaultChannelPipeline");
        handler.publish(other);
      }
      for (int i = 0; i < 500; i++) {
        LogRecord distinct = new LogRecord(Level.WARNING, "stream " + second + "-" + i + " reset " + "x".repeat(500));
        distinct.setLoggerName("io.grpc.netty.NettyServerHandler");
        handler.publish(distinct);
      }
      now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    }
    handler.close();

    assertThat(bytes.size()).isLessThan(1_000_000);
    assertThat(output().lines()).allMatch(l -> l.length() <= BoundedLogHandler.MAX_LINE);
    assertThat(output()).contains("more records of other kinds");
  }

  @Test
  void belowInfo_isNotPrinted() {
    handler.publish(new LogRecord(Level.FINE, "detail"));
    handler.close();
    assertThat(output()).isEmpty();
  }

  @Test
  void held_linesStayOffTheStream_untilWrittenToAFile_thenLaterLinesFollowThere(@TempDir Path tmp) throws Exception {
    handler.hold();
    handler.publish(streamError());
    LogRecord other = new LogRecord(Level.WARNING, "name not resolved");
    other.setLoggerName("io.grpc.internal.ManagedChannelImpl");
    handler.publish(other);
    assertThat(output()).as("nothing printed while held").isEmpty();

    Path log = tmp.resolve("run.log");
    handler.writeTo(log);
    handler.publish(new LogRecord(Level.WARNING, "after the switch"));
    handler.close();

    assertThat(output()).isEmpty();
    assertThat(Files.readAllLines(log)).hasSize(3)
        .first().asString().startsWith("WARNING NettyServerHandler: Stream Error");
    assertThat(Files.readAllLines(log).get(2)).endsWith("after the switch");
  }

  @Test
  void held_keepsAtMostMaxHeldLines_andSaysHowManyItDropped() {
    handler.hold();
    for (int i = 0; i < BoundedLogHandler.MAX_KINDS; i++) {
      for (int round = 0; round < 40; round++) {
        // Distinct kinds every round: each is a new line until the kinds run out, then counted as overflow.
        LogRecord r = new LogRecord(Level.WARNING, "kind " + i + " round " + round);
        r.setLoggerName("io.grpc.X");
        handler.publish(r);
        now.addAndGet(TimeUnit.SECONDS.toNanos(11));
      }
    }
    handler.release(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(output().lines()).hasSize(BoundedLogHandler.MAX_HELD + 1);
    assertThat(output().lines().reduce((a, b) -> b).orElseThrow())
        .matches("\\.\\.\\. [0-9,]+ more lines while the log was held \\(only 1000 are kept\\)");
  }
}
