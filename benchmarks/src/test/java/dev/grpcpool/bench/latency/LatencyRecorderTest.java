package dev.grpcpool.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Tests for {@link LatencyRecorder}. */
class LatencyRecorderTest {

  @Test
  void failures_areCountedButNeverRecordedAsLatencies() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.recordNanos(50_000);
    recorder.recordFailure();
    recorder.recordFailure();

    LatencyRecorder.Interval interval = recorder.takeInterval();

    assertThat(interval.latencies().getTotalCount()).isEqualTo(1);
    assertThat(interval.failures()).isEqualTo(2);
    assertThat(interval.calls()).isEqualTo(3);
  }

  @Test
  void takeInterval_startsANewInterval() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.recordNanos(10_000);
    recorder.recordFailure();
    recorder.takeInterval();

    recorder.recordNanos(20_000);
    LatencyRecorder.Interval second = recorder.takeInterval();

    assertThat(second.latencies().getTotalCount()).isEqualTo(1);
    assertThat(second.latencies().getMaxValue()).isBetween(19_980L, 20_020L);
    assertThat(second.failures()).isZero();
    assertThat(second.latencies().getEndTimeStamp()).isGreaterThanOrEqualTo(second.latencies().getStartTimeStamp());
  }

  @Test
  void valuesBeyondAMinute_areClippedNotThrown() {
    LatencyRecorder recorder = new LatencyRecorder();

    recorder.recordNanos(TimeUnit.HOURS.toNanos(2));

    assertThat(recorder.clipped()).isEqualTo(1);
    LatencyRecorder.Interval interval = recorder.takeInterval();
    assertThat(interval.latencies().getTotalCount()).isEqualTo(1);
    assertThat(interval.latencies().getMaxValue())
        .isGreaterThanOrEqualTo((long) (LatencyRecorder.HIGHEST_TRACKABLE_NANOS * 0.999));
  }

  @Test
  void precision_isThreeSignificantDigits() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.recordNanos(123_456);

    long recorded = recorder.takeInterval().latencies().getValueAtPercentile(50);

    assertThat(Math.abs(recorded - 123_456)).isLessThanOrEqualTo(123);
  }
}
