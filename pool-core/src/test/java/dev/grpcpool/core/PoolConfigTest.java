package dev.grpcpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link PoolConfig}: defaults, the keepalive choices, and every rejection's message. */
class PoolConfigTest {

  @Test
  void defaults_matchTheDocumentedValues() {
    PoolConfig c = PoolConfig.builder("dns:///echo:50051").build();

    assertThat(c.targets()).containsExactly("dns:///echo:50051");
    assertThat(c.size()).isEqualTo(5);
    assertThat(c.pickStrategy()).isEqualTo(PickStrategy.ROUND_ROBIN);
    assertThat(c.healthCheckInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.healthCheckTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.healthServiceName()).isEmpty();
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxInboundMessageSize()).isEqualTo(4 * 1024 * 1024);
    assertThat(c.loadBalancingPolicy()).isEqualTo("round_robin");
    assertThat(c.defaultServiceConfig()).isEmpty();
    assertThat(c.retryEnabled()).isTrue();
    assertThat(c.maxChannelAge()).isEmpty();
    assertThat(c.transientFailureGrace()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.channelBuilderFactory()).isSameAs(PoolConfig.PLAINTEXT_CHANNELS);
  }

  @Test
  void size_fixesMinAndMax_whileMinSizeAndMaxSizeApartMakeThePoolSizeItself() {
    PoolConfig fixed = PoolConfig.builder("t").minSize(2).maxSize(8).size(3).build();
    PoolConfig adaptive = PoolConfig.builder("t").size(3).minSize(1).maxSize(16).build();

    assertThat(fixed.minSize()).isEqualTo(3);
    assertThat(fixed.maxSize()).isEqualTo(3);
    assertThat(fixed.sizesItself()).isFalse();
    assertThat(fixed.toString()).contains("size=3,");
    assertThat(adaptive.size()).as("starts at minSize").isEqualTo(1);
    assertThat(adaptive.maxSize()).isEqualTo(16);
    assertThat(adaptive.sizesItself()).isTrue();
    assertThat(adaptive.toString()).contains("size=1..16, callsPerChannel=10..50, resizeInterval=10s, maxResizeStep=2");
  }

  @Test
  void sizingDefaults_areInsideGrpcsGuidanceOfTenToFiftyStreamsPerConnection() {
    PoolConfig c = PoolConfig.builder("t").build();

    assertThat(c.minSize()).isEqualTo(5);
    assertThat(c.maxSize()).isEqualTo(5);
    assertThat(c.callsPerChannelLow()).isEqualTo(10);
    assertThat(c.callsPerChannelHigh()).isEqualTo(50);
    assertThat(c.resizeInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxResizeStep()).isEqualTo(2);
  }

  @Test
  void defaultKeepAlive_staysWithinWhatADefaultGrpcJavaServerPermits() {
    PoolConfig c = PoolConfig.builder("t").build();

    // A default grpc-java server permits one ping per 5 minutes, and none while no call is active.
    assertThat(c.keepAliveTime()).hasValueSatisfying(t -> assertThat(t).isGreaterThanOrEqualTo(Duration.ofMinutes(5)));
    assertThat(c.keepAliveWithoutCalls()).isFalse();
    assertThat(c.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void aggressiveKeepAlive_isTheArticleSetting() {
    PoolConfig c = PoolConfig.builder("t").aggressiveKeepAlive().build();

    assertThat(c.keepAliveTime()).contains(Duration.ofSeconds(10));
    assertThat(c.keepAliveWithoutCalls()).isTrue();
  }

  @Test
  void disable_turnsOptionalSettingsOff_afterTheyWereSet() {
    PoolConfig on = PoolConfig.builder("t").healthServiceName("svc").maxChannelAge(Duration.ofMinutes(1))
        .defaultServiceConfig(Map.of("k", "v")).build();

    PoolConfig off = on.toBuilder().disableKeepAlive().disableHealthService().disableMaxChannelAge()
        .clearDefaultServiceConfig().build();

    assertThat(off.keepAliveTime()).isEmpty();
    assertThat(off.healthServiceName()).isEmpty();
    assertThat(off.maxChannelAge()).isEmpty();
    assertThat(off.defaultServiceConfig()).isEmpty();
    assertThat(off.toString()).contains("keepAliveTime=off", "healthServiceName=off", "maxChannelAge=off",
        "defaultServiceConfig=none");
  }

  @Test
  void targetList_channelIDialsTargetIModN() {
    PoolConfig c = PoolConfig.builder(List.of("a", "b", "c")).size(5).build();

    assertThat(c.targetFor(0)).isEqualTo("a");
    assertThat(c.targetFor(2)).isEqualTo("c");
    assertThat(c.targetFor(3)).isEqualTo("a");
    assertThat(c.targetFor(4)).isEqualTo("b");
  }

  @Test
  void toBuilder_copiesEverySetting() {
    PoolConfig.ChannelBuilderFactory factory = InProcessChannelBuilder::forName;
    PoolConfig original = PoolConfig.builder(List.of("a", "b")).size(7).pickStrategy(PickStrategy.LEAST_IN_FLIGHT)
        .healthCheckInterval(Duration.ofSeconds(3)).healthCheckTimeout(Duration.ofMillis(300))
        .healthServiceName("svc").connectTimeout(Duration.ofSeconds(2)).keepAliveTime(Duration.ofMinutes(6))
        .keepAliveTimeout(Duration.ofSeconds(7)).keepAliveWithoutCalls(true).maxInboundMessageSize(1234)
        .loadBalancingPolicy("pick_first").defaultServiceConfig(Map.of("k", "v")).retryEnabled(false)
        .maxChannelAge(Duration.ofMinutes(9)).transientFailureGrace(Duration.ofSeconds(8))
        .closeTimeout(Duration.ZERO).channelBuilderFactory(factory).build();

    PoolConfig copy = original.toBuilder().build();

    assertThat(copy).usingRecursiveComparison().isEqualTo(original);
    assertThat(copy.toString()).isEqualTo(original.toString());
    assertThat(copy.toString()).contains("size=7", "keepAliveTime=6m", "closeTimeout=0s", "maxChannelAge=9m");
    PoolConfig adaptive = original.toBuilder().minSize(2).maxSize(9).callsPerChannel(3, 4)
        .resizeInterval(Duration.ofSeconds(4)).maxResizeStep(5).build();
    assertThat(adaptive.toBuilder().build()).usingRecursiveComparison().isEqualTo(adaptive);
  }

  @Test
  void defaultServiceConfig_isCopiedAndUnmodifiable() {
    Map<String, Object> source = new java.util.HashMap<>(Map.of("k", "v"));
    PoolConfig c = PoolConfig.builder("t").defaultServiceConfig(source).build();
    source.put("other", "x");

    assertThat(c.defaultServiceConfig().orElseThrow()).containsOnlyKeys("k");
    assertThatThrownBy(() -> c.defaultServiceConfig().orElseThrow().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void format_writesDurationsAsPeopleDo() {
    assertThat(PoolConfig.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(PoolConfig.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(PoolConfig.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(PoolConfig.format(Duration.ofDays(30))).isEqualTo("30d");
    assertThat(PoolConfig.format(Duration.ofSeconds(-1))).isEqualTo("-1s");
    assertThat(PoolConfig.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
  }

  @Test
  void connectTimeout_reachesNettyThroughItsChannelOption() {
    ManagedChannelBuilder<?> netty = NettyChannelBuilder.forTarget("127.0.0.1:1");
    ManagedChannelBuilder<?> inProcess = InProcessChannelBuilder.forName("x");

    assertThat(PooledChannelFactory.applyConnectTimeout(netty, Duration.ofSeconds(3))).isTrue();
    assertThat(PooledChannelFactory.applyConnectTimeout(inProcess, Duration.ofSeconds(3))).isFalse();
  }

  // ---------------------------------------------------------------- rejections

  static Stream<Arguments> rejections() {
    return Stream.of(
        rejected("blank target", () -> PoolConfig.builder("  "), "target must not be blank (was \"  \")"),
        rejected("null target", () -> PoolConfig.builder((String) null), "target must not be blank (was null)"),
        rejected("empty target list", () -> PoolConfig.builder(Collections.emptyList()),
            "targets must hold at least one target (was empty)"),
        rejected("null target list", () -> PoolConfig.builder((List<String>) null),
            "targets must hold at least one target (was null)"),
        rejected("blank entry in list", () -> PoolConfig.builder(Arrays.asList("a", "")),
            "targets[1] must not be blank (was \"\")"),
        rejected("size 0", () -> base().size(0), "size must be between 1 and 1024 (was 0)"),
        rejected("size 1025", () -> base().size(1025), "size must be between 1 and 1024 (was 1025)"),
        rejected("size below target count", () -> PoolConfig.builder(List.of("a", "b", "c")).size(2).build(),
            "size must be at least the number of targets (3) so every target gets a channel (was 2)"),
        rejected("minSize 0", () -> base().minSize(0), "minSize must be between 1 and 1024 (was 0)"),
        rejected("maxSize 1025", () -> base().maxSize(1025), "maxSize must be between 1 and 1024 (was 1025)"),
        rejected("maxSize below minSize", () -> base().minSize(4).maxSize(2).build(),
            "maxSize must be at least minSize (4) (was 2)"),
        rejected("minSize below target count", () -> PoolConfig.builder(List.of("a", "b")).minSize(1).maxSize(4)
            .build(), "minSize must be at least the number of targets (2) so every target gets a channel (was 1)"),
        rejected("band low 0", () -> base().callsPerChannel(0, 10),
            "callsPerChannel low must be at least 1 (was 0)"),
        rejected("band low equal to high", () -> base().callsPerChannel(20, 20),
            "callsPerChannel high must be greater than low (20) (was 20)"),
        rejected("band low above high", () -> base().callsPerChannel(30, 20),
            "callsPerChannel high must be greater than low (30) (was 20)"),
        rejected("step 0", () -> base().maxResizeStep(0), "maxResizeStep must be between 1 and 1024 (was 0)"),
        rejected("zero resize interval", () -> base().resizeInterval(Duration.ZERO),
            "resizeInterval must be greater than 0s and at most 30d (was 0s)"),
        rejected("negative resize interval", () -> base().resizeInterval(Duration.ofSeconds(-2)),
            "resizeInterval must be greater than 0s and at most 30d (was -2s)"),
        rejected("null strategy", () -> base().pickStrategy(null),
            "pickStrategy must be one of ROUND_ROBIN, HEALTHY_FIRST, LEAST_IN_FLIGHT, POWER_OF_TWO_CHOICES (was null)"),
        rejected("zero interval", () -> base().healthCheckInterval(Duration.ZERO),
            "healthCheckInterval must be greater than 0s and at most 30d (was 0s)"),
        rejected("null interval", () -> base().healthCheckInterval(null),
            "healthCheckInterval must be greater than 0s and at most 30d (was null)"),
        rejected("negative timeout", () -> base().healthCheckTimeout(Duration.ofSeconds(-1)),
            "healthCheckTimeout must be greater than 0s and at most 30d (was -1s)"),
        rejected("huge connect timeout", () -> base().connectTimeout(Duration.ofDays(31)),
            "connectTimeout must be greater than 0s and at most 30d (was 31d)"),
        rejected("keepalive below 10s", () -> base().keepAliveTime(Duration.ofSeconds(9)),
            "keepAliveTime must be between 10s and 30d (was 9s; disableKeepAlive() turns it off)"),
        rejected("zero keepalive timeout", () -> base().keepAliveTimeout(Duration.ZERO),
            "keepAliveTimeout must be greater than 0s and at most 30d (was 0s)"),
        rejected("zero message size", () -> base().maxInboundMessageSize(0),
            "maxInboundMessageSize must be between 1 and 2147483647 bytes (was 0)"),
        rejected("blank policy", () -> base().loadBalancingPolicy(" "),
            "loadBalancingPolicy must be a registered policy such as round_robin or pick_first (was \" \")"),
        rejected("unknown policy", () -> base().loadBalancingPolicy("no_such_policy"),
            "loadBalancingPolicy must be a registered policy such as round_robin or pick_first "
                + "(was \"no_such_policy\", which no LoadBalancerProvider on the class path provides)"),
        rejected("zero max age", () -> base().maxChannelAge(Duration.ZERO),
            "maxChannelAge must be greater than 0s and at most 30d (was 0s; disableMaxChannelAge() never refreshes)"),
        rejected("negative grace", () -> base().transientFailureGrace(Duration.ofMillis(-5)),
            "transientFailureGrace must be greater than 0s and at most 30d (was -5ms)"),
        rejected("negative close timeout", () -> base().closeTimeout(Duration.ofSeconds(-1)),
            "closeTimeout must be between 0s and 30d (was -1s)"),
        rejected("null health service", () -> base().healthServiceName(null),
            "healthServiceName must be a service name, or \"\" for the whole server (was null; "
                + "disableHealthService() turns the checks off)"),
        rejected("null service config", () -> base().defaultServiceConfig(null),
            "defaultServiceConfig must be a map (was null; clearDefaultServiceConfig() removes it)"),
        rejected("null keepalive", () -> base().keepAliveTime(null),
            "keepAliveTime must be between 10s and 30d (was null; disableKeepAlive() turns it off)"),
        rejected("null close timeout", () -> base().closeTimeout(null),
            "closeTimeout must be between 0s and 30d (was null)"),
        rejected("null factory", () -> base().channelBuilderFactory(null),
            "channelBuilderFactory must not be null (plaintext channels are the default)"));
  }

  private static PoolConfig.Builder base() {
    return PoolConfig.builder("dns:///echo:50051");
  }

  private static Arguments rejected(String name, ThrowingCallable attempt, String message) {
    return Arguments.of(name, attempt, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void outOfRangeValue_isRejectedWhereItIsSet_withMessageNamingSettingRangeAndValue(String name,
      ThrowingCallable attempt, String message) {
    assertThatThrownBy(attempt).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void build_acceptsTheBoundaryValues() {
    PoolConfig c = PoolConfig.builder("t").size(1024).keepAliveTime(Duration.ofSeconds(10))
        .maxInboundMessageSize(1).closeTimeout(Duration.ZERO).healthCheckInterval(Duration.ofDays(30))
        .healthServiceName("").build();

    assertThat(c.size()).isEqualTo(1024);
    assertThat(c.closeTimeout()).isZero();
    assertThat(c.healthServiceName()).contains("");
  }
}
