package dev.grpcpool.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcpool.bench.cli.DurationConverter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link FaultSchedule}. */
class FaultScheduleTest {

  private static FaultSchedule parse(String spec) {
    return FaultSchedule.parse(spec, DurationConverter::parse);
  }

  @Test
  void issueExample_parsesEveryActionInTimeOrder() {
    FaultSchedule s = parse("kill:1@5s,restart:1@10s,not-serving:2@4s,serving:2@8s,slow:0=5ms@3s");

    assertThat(s.faults()).extracting(f -> f.action().word())
        .containsExactly("slow", "not-serving", "kill", "serving", "restart");
    FaultSchedule.Fault slow = s.faults().get(0);
    assertThat(slow.backend()).isZero();
    assertThat(slow.extra()).isEqualTo(Duration.ofMillis(5));
    assertThat(slow.at()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.faults().get(4).backend()).isEqualTo(1);
    assertThat(s.faults().get(4).at()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void star_meansEveryBackend_andBlankMeansNone() {
    assertThat(parse("kill:*@1s").faults().get(0).backend()).isEqualTo(FaultSchedule.Fault.ALL);
    assertThat(parse(" ").isEmpty()).isTrue();
    assertThat(parse(null).isEmpty()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kill                  | expected action:backend@time",
      "kill:1                | expected action:backend@time",
      "kill:1@               | expected action:backend@time",
      "boom:1@2s             | unknown action 'boom'",
      "kill:one@2s           | backend must be an index",
      "kill:-1@2s            | backend index must be >= 0",
      "kill:1=5ms@2s         | only slow takes a value",
      "slow:1@2s             | slow needs the extra latency",
      "slow:1=fast@2s        | extra latency 'fast' is not a duration",
      "kill:1@soon           | time 'soon' is not a duration",
      "'kill:1@1s,,kill:2@2s' | has an empty item",
  })
  void malformedSpec_isRejectedNamingTheItem(String spec, String message) {
    assertThatThrownBy(() -> parse(spec)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void check_rejectsUnknownBackendAndTimeAfterTheRun() {
    FaultSchedule s = parse("kill:3@1s");
    assertThatThrownBy(() -> s.check(3, Duration.ofSeconds(10))).hasMessageContaining("only 3 backends");
    assertThatThrownBy(() -> parse("kill:0@10s").check(3, Duration.ofSeconds(10)))
        .hasMessageContaining("not inside the run's duration");
    parse("kill:2@9s").check(3, Duration.ofSeconds(10));
  }

  @Test
  void appliedFault_inJson_leavesOutAnErrorThatDidNotHappen() {
    assertThat(RunOutput.json(new FaultInjector.AppliedFault("kill:1@5s", 5000, 5003, null)))
        .contains("\"fault\" : \"kill:1@5s\"", "\"plannedMillis\" : 5000", "\"appliedMillis\" : 5003")
        .doesNotContain("error");
    assertThat(RunOutput.json(new FaultInjector.AppliedFault("kill:1@5s", 5000, 5003, "no backend 1")))
        .contains("\"error\" : \"no backend 1\"");
  }
}
