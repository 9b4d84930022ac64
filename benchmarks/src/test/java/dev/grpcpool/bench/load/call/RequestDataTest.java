package dev.grpcpool.bench.load.call;

import static dev.grpcpool.bench.load.call.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tests for {@link RequestData}: JSON to messages of {@code test.types.Order} ({@link ShopFiles}), placeholders,
 * how many messages a call sends, and one-line refusals that name the field.
 */
class RequestDataTest {
  private static final Descriptors.MethodDescriptor BUY = ShopFiles.method("Buy");
  private static final Descriptors.MethodDescriptor UPLOAD = ShopFiles.method("Upload");

  // ---- Placeholders

  @Test
  void seq_isTheCallsNumberFromZero() {
    RequestData data = RequestData.parse(BUY, "{\"count\": {{seq}}, \"item\": {\"name\": \"n{{ seq }}\"}}", 0);

    for (long seq = 0; seq < 3; seq++) {
      DynamicMessage order = data.messages(seq).get(0);
      assertThat(field(order, "count")).isEqualTo((int) seq);
      assertThat(field((Message) field(order, "item"), "name")).isEqualTo("n" + seq);
    }
  }

  @Test
  void random_staysInItsRange_andReachesBothEnds() {
    RequestData data = RequestData.parse(BUY, "{\"count\": {{random 1 3}}}", 0);

    Set<Object> seen = new HashSet<>();
    LongStream.range(0, 300).forEach(seq -> seen.add(field(data.messages(seq).get(0), "count")));

    assertThat(seen).containsExactlyInAnyOrder(1, 2, 3);
  }

  @Test
  void uuidAndTimestamp_areNewForEveryCall() {
    RequestData data = RequestData.parse(BUY, "{\"item\": {\"name\": \"{{uuid}}\", \"price\": {{timestamp}}}}", 0);

    long before = System.currentTimeMillis();
    Message first = (Message) field(data.messages(0).get(0), "item");
    Message second = (Message) field(data.messages(1).get(0), "item");
    long after = System.currentTimeMillis();

    assertThat((String) field(first, "name"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
        .isNotEqualTo(field(second, "name"));
    assertThat((long) field(first, "price")).isBetween(before, after);
  }

  @Test
  void dataWithoutPlaceholders_isParsedOnceForEveryCall() {
    RequestData data = RequestData.parse(BUY, "{\"count\": 7}", 0);

    assertThat(data.messages(5)).isSameAs(data.messages(0));
    assertThat(field(data.messages(0).get(0), "count")).isEqualTo(7);
  }

  @Test
  void unknownPlaceholder_isRefusedListingTheKnownOnes() {
    assertRefused(() -> RequestData.parse(BUY, "{\"item\": {\"name\": \"{{name}}\"}}", 0),
        "unknown placeholder {{name}}", "{{seq}}", "{{uuid}}", "{{random A B}}", "{{timestamp}}");
  }

  @Test
  void randomWithLowAboveHigh_isRefused() {
    assertRefused(() -> RequestData.parse(BUY, "{\"count\": {{random 5 1}}}", 0), "{{random 5 1}}", "A must be <= B");
  }

  @Test
  void malformedPlaceholder_isRefused() {
    assertRefused(() -> RequestData.parse(BUY, "{\"count\": {{random 1}}}", 0), "{{random 1}}", "integers");
    assertRefused(() -> RequestData.parse(BUY, "{\"count\": {{seq 2}}}", 0), "{{seq 2}}", "no arguments");
  }

  // ---- JSON that does not fit

  /** JSON, and the words its refusal must contain. */
  static Stream<Arguments> misfits() {
    return Stream.of(
        Arguments.of("{\"cont\": 1}", List.of("does not fit test.types.Order", "unknown field \"cont\"",
            "count, item, items, at")),
        Arguments.of("{\"count\": 1, \"items\": [{\"name\": \"a\"}, {\"nam\": \"b\"}]}",
            List.of("unknown field \"items[1].nam\"", "fields of test.types.Item: name, price")),
        Arguments.of("{\"item\": {\"price\": \"cheap\"}}",
            List.of("does not fit test.types.Order", "field \"item.price\"", "int64")),
        Arguments.of("{\"at\": \"yesterday\"}", List.of("field \"at\"", "timestamp")),
        // Checked with both ends of the range, so the refusal comes before the first call, not in one of them.
        Arguments.of("{\"count\": {{random 1 99999999999}}}", List.of("field \"count\"", "int32")));
  }

  @ParameterizedTest
  @MethodSource("misfits")
  void jsonThatDoesNotFitTheRequest_isRefusedNamingTheField(String json, List<String> words) {
    assertRefused(() -> RequestData.parse(BUY, json, 0), words.toArray(String[]::new));
  }

  @Test
  void invalidJson_isRefusedInOneLine() {
    assertRefused(() -> RequestData.parse(BUY, "{\"count\": }", 0), "--data is not valid JSON", "line 1");
    assertRefused(() -> RequestData.parse(BUY, "{} {}", 0), "--data is not valid JSON", "more follows");
    assertRefused(() -> RequestData.parse(BUY, "", 0), "--data must be a JSON object", "empty");
    assertRefused(() -> RequestData.parse(BUY, "42", 0), "--data must be a JSON object", "number");
  }

  // ---- Messages per call

  @Test
  void arrayForAMethodThatTakesOneMessage_isRefused() {
    assertRefused(() -> RequestData.parse(BUY, "[{\"count\": 1}]", 0), "test.shop.Shop/Buy",
        "takes one request message per call");
    assertRefused(() -> RequestData.parse(BUY, "{\"count\": 1}", 2), "test.shop.Shop/Buy", "must be 1");
  }

  @Test
  void clientStreaming_arrayIsTheMessagesOfEveryCall() {
    List<DynamicMessage> messages = RequestData.parse(UPLOAD, "[{\"count\": 1}, {\"count\": {{seq}}}]", 0)
        .messages(9);

    assertThat(messages).extracting(m -> field(m, "count")).containsExactly(1, 9);
  }

  @Test
  void clientStreaming_oneObjectIsOneMessagePerCall_unlessACountIsGiven() {
    assertThat(RequestData.parse(UPLOAD, "{\"count\": 1}", 0).messages(0)).hasSize(1);

    List<DynamicMessage> three = RequestData.parse(UPLOAD, "{\"item\": {\"name\": \"{{uuid}}\"}}", 3).messages(0);

    assertThat(three).hasSize(3);
    assertThat(three).extracting(m -> field((Message) field(m, "item"), "name")).doesNotHaveDuplicates();
  }

  @Test
  void clientStreaming_dataThatSaysNothingOfItsMessages_isRefused() {
    assertRefused(() -> RequestData.parse(UPLOAD, "[]", 0), "empty array");
    assertRefused(() -> RequestData.parse(UPLOAD, "[{\"count\": 1}]", 2), "a message count goes only with one object");
    assertRefused(() -> RequestData.parse(UPLOAD, "\"x\"", 0), "a JSON object or an array of them", "string");
    assertRefused(() -> RequestData.parse(UPLOAD, "[{\"count\": 1}, 2]", 0), "--data[1] does not fit");
    assertRefused(() -> RequestData.parse(UPLOAD, "[{\"count\": 1}, {\"cont\": 2}]", 0),
        "--data[1] does not fit test.types.Order", "unknown field \"cont\"");
  }

  private static Object field(Message m, String name) {
    return m.getField(m.getDescriptorForType().findFieldByName(name));
  }
}
