package dev.grpcpool.bench.load.call;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongBinaryOperator;

/**
 * The request messages of every call of a method, made from JSON ({@code --data}) in protobuf's JSON mapping by
 * protobuf's own {@link JsonFormat}: field names as in the {@code .proto} file or in lowerCamelCase, enums by
 * name, 64-bit integers as numbers or strings, well-known types in their JSON forms.
 *
 * <h2>How many messages a call sends</h2>
 * A method that takes one request (unary, server streaming) needs one JSON object. A client-streaming or bidi
 * method takes either a JSON array of objects, the messages of each call in order, or one object: then each call
 * sends that one message, or {@code messagesPerCall} messages when that is given. A lone object thus means one
 * message per call rather than an error or a guess: it is what a client-streaming call in a load test most often
 * sends, and the count says otherwise.
 *
 * <h2>Placeholders</h2>
 * The JSON may hold placeholders, put into the text before it is parsed, inside a JSON string or as a bare number:
 * <ul>
 *   <li>{@code {{seq}}}: the call's sequence number, from 0, as given to {@link #messages}; every message of one
 *       call has the same;
 *   <li>{@code {{uuid}}}: a random (version 4) UUID;
 *   <li>{@code {{random A B}}}: a uniform random integer in [A, B], A and B included, A &lt;= B;
 *   <li>{@code {{timestamp}}}: the time of expansion, in milliseconds since the epoch.
 * </ul>
 * Every {@code {{…}}} is a placeholder: an unknown one, or a {@code random} with A &gt; B, is refused when the
 * data is parsed. Each occurrence has its own value, and each message of a call from one object its own expansion.
 *
 * <h2>Cost and checks</h2>
 * Data without placeholders is parsed once and the same messages are returned for every call. Data with
 * placeholders is expanded and parsed for each call. Either is checked when it is parsed, with the lowest and
 * the highest value of every {@code random}, so that JSON that does not fit the request type, or a range that does
 * not fit its field, is refused before the first call.
 *
 * <p>Immutable and thread-safe.
 */
public final class RequestData {
  private static final ObjectMapper JSON = JsonMapper.builder()
      // Keeps a number's digits exactly as given: an int64 written as 12345678901234567.0 must not pass a double.
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private final Descriptors.Descriptor type;
  private final JsonFormat.Parser parser;
  private final DataTemplate template;
  /** Whether the data is an array of a call's messages; else one object, sent {@link #count} times a call. */
  private final boolean array;
  private final int count;
  /** The messages of every call when there is no placeholder; else null. */
  private final List<DynamicMessage> fixed;

  private RequestData(Descriptors.MethodDescriptor method, DataTemplate template, boolean array, int count) {
    this.type = method.getInputType();
    // Lets an Any field name any message type of the request's file and its imports.
    this.parser = JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(type).build());
    this.template = template;
    this.array = array;
    this.count = count;
    this.fixed = template.isFixed() ? build(0, DataTemplate::uniform) : null;
    if (fixed == null) {
      build(0, (low, high) -> low);
      build(0, (low, high) -> high);
    }
  }

  /**
   * Parses and checks {@code --data} for {@code method}.
   *
   * @param messagesPerCall for a client-streaming or bidi method given one object, how many messages each call
   *     sends; 0 for as the data says (one for an object, the array's length for an array)
   * @throws IllegalArgumentException in one line: JSON that does not parse, or does not fit the request type (naming
   *     the field), an array for a method that takes one message, an empty array, an unknown or malformed
   *     placeholder, or a message count that does not go with the method or the data
   */
  public static RequestData parse(Descriptors.MethodDescriptor method, String json, int messagesPerCall) {
    String name = method.getService().getFullName() + "/" + method.getName();
    if (messagesPerCall < 0 || messagesPerCall > 1 && !method.isClientStreaming()) {
      throw new IllegalArgumentException("messages per call must be " + (method.isClientStreaming() ? ">= 0" : "1")
          + " for " + name + ", was " + messagesPerCall);
    }
    DataTemplate template = DataTemplate.parse(json);
    JsonNode root = tree(template.expand(0, (low, high) -> low));
    if (root.isArray()) {
      if (!method.isClientStreaming()) {
        throw new IllegalArgumentException(name + " takes one request message per call: give --data as one JSON"
            + " object, not an array");
      }
      if (messagesPerCall != 0) {
        throw new IllegalArgumentException("--data is an array, the messages of every call: a message count goes"
            + " only with one object");
      }
      if (root.isEmpty()) {
        throw new IllegalArgumentException("--data is an empty array: a call sends at least one message");
      }
    } else if (!root.isObject()) {
      throw new IllegalArgumentException("--data must be a JSON object" + (method.isClientStreaming()
          ? " or an array of them" : "") + ", was " + (root.isMissingNode() ? "empty"
          : "a " + root.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    return new RequestData(method, template, root.isArray(), Math.max(1, messagesPerCall));
  }

  /**
   * The messages of call number {@code seq}, in the order they are to be sent: the same list for every call when
   * the data has no placeholder.
   *
   * @return an unmodifiable, non-empty list
   * @throws IllegalArgumentException when a placeholder's value does not fit its field although its extremes did
   *     at the start: only {@code {{seq}}} past 2^31 in an int32 field
   */
  public List<DynamicMessage> messages(long seq) {
    return fixed != null ? fixed : build(seq, DataTemplate::uniform);
  }

  /** Whether the data has placeholders, so that calls' messages differ. */
  public boolean variesPerCall() {
    return fixed == null;
  }

  private List<DynamicMessage> build(long seq, LongBinaryOperator random) {
    if (!array) {
      DynamicMessage[] messages = new DynamicMessage[count];
      for (int i = 0; i < count; i++) {
        messages[i] = message(template.expand(seq, random), "--data");
      }
      return List.of(messages);
    }
    JsonNode root = tree(template.expand(seq, random));
    DynamicMessage[] messages = new DynamicMessage[root.size()];
    for (int i = 0; i < messages.length; i++) {
      messages[i] = message(root.get(i).toString(), "--data[" + i + "]");
    }
    return List.of(messages);
  }

  private DynamicMessage message(String json, String where) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    try {
      parser.merge(json, b);
      return b.build();
    } catch (InvalidProtocolBufferException e) {
      throw misfit(json, where, Lines.first(e.getMessage()));
    }
  }

  /** The JSON value of {@code json}, a missing node when it is empty. */
  private static JsonNode tree(String json) {
    try (JsonParser parser = JSON.createParser(json)) {
      JsonNode root = JSON.readTree(parser);
      if (root != null && parser.nextToken() != null) {
        throw new IllegalArgumentException("--data is not valid JSON: more follows its " + (root.isArray() ? "array"
            : "value") + at(parser.currentTokenLocation()));
      }
      return root == null ? MissingNode.getInstance() : root;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("--data is not valid JSON: " + Lines.first(e.getOriginalMessage())
          + at(e.getLocation()));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String
    }
  }

  private static String at(JsonLocation location) {
    return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  // ---- Naming the field that does not fit: JsonFormat names it only when it is unknown.

  /** Where a message's JSON does not fit: the field's path, the type it is in, and the field (null if unknown). */
  private record Misfit(String path, Descriptors.Descriptor in, Descriptors.FieldDescriptor field) {}

  private IllegalArgumentException misfit(String json, String where, String why) {
    String head = where + " does not fit " + type.getFullName() + ": ";
    Misfit at;
    try {
      at = locate(type, JSON.readTree(json), "");
    } catch (JsonProcessingException e) {
      at = null;
    }
    if (at == null) {
      return new IllegalArgumentException(head + why);
    }
    if (at.field() == null) {
      return new IllegalArgumentException(head + "unknown field \"" + at.path() + "\" (fields of "
          + at.in().getFullName() + ": " + Lines.list(at.in().getFields().stream()
              .map(Descriptors.FieldDescriptor::getName).toList()) + ")");
    }
    return new IllegalArgumentException(head + "field \"" + at.path() + "\": " + why);
  }

  /**
   * The first field of {@code node} that JsonFormat refuses on its own, followed into nested messages (not into
   * maps or well-known types, whose JSON is not their fields), or null when every field fits alone.
   */
  private Misfit locate(Descriptors.Descriptor in, JsonNode node, String prefix) {
    if (!node.isObject()) {
      return null;
    }
    for (Map.Entry<String, JsonNode> property : node.properties()) {
      if (fits(in, JSON.createObjectNode().set(property.getKey(), property.getValue()).toString())) {
        continue;
      }
      String path = prefix + property.getKey();
      Descriptors.FieldDescriptor field = field(in, property.getKey());
      if (field != null && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE
          && !field.isMapField() && !field.getMessageType().getFile().getPackage().equals("google.protobuf")) {
        JsonNode value = property.getValue();
        for (int i = 0; i < (field.isRepeated() ? value.size() : 1); i++) {
          Misfit inner = field.isRepeated()
              ? locate(field.getMessageType(), value.path(i), path + "[" + i + "].")
              : locate(field.getMessageType(), value, path + ".");
          if (inner != null) {
            return inner;
          }
        }
      }
      return new Misfit(path, in, field);
    }
    return null;
  }

  private boolean fits(Descriptors.Descriptor in, String json) {
    try {
      parser.merge(json, DynamicMessage.newBuilder(in));
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** The field JsonFormat would take for {@code name}: by its name in the .proto file or its JSON name. */
  private static Descriptors.FieldDescriptor field(Descriptors.Descriptor in, String name) {
    Descriptors.FieldDescriptor field = in.findFieldByName(name);
    return field != null ? field
        : in.getFields().stream().filter(f -> f.getJsonName().equals(name)).findFirst().orElse(null);
  }
}
