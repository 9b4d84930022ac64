package dev.grpcpool.bench.load.call;

import com.google.protobuf.Descriptors;
import io.grpc.Channel;
import io.grpc.CompressorRegistry;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which method of which service a load run calls and with what, as given on the command line ({@code --call},
 * {@code --data}, {@code --protoset}, {@code --metadata}, {@code --compress}, {@code --stream-messages}); it becomes
 * a {@link CallTemplate} once the method's descriptor is known.
 *
 * <p>Everything that can be checked without the server is checked when it is made: the method's name, the
 * metadata, the compressor, the message count, and, with a protoset, the method and the data against it. The rest
 * (the method and the data against the server's reflection) is checked by {@link #resolve}, before any load is
 * sent.
 *
 * <p>Immutable and thread-safe.
 */
public final class CallSpec {
  /** What a call sends when no data is given: the request type's default message, as ghz does. */
  static final String NO_DATA = "{}";

  /** Data longer than this is named in a summary by its digest, not written out. */
  private static final int SUMMARY_DATA_CHARS = 4096;

  private final String call;
  private final String data;
  private final Path protoset;
  private final List<String> metadataEntries;
  private final Metadata metadata;
  private final String compression;
  private final int streamMessages;
  /** The template, made at once from a protoset; null when the server's reflection has to be asked. */
  private final CallTemplate fromProtoset;
  private final String type;

  /**
   * Checks what the user gave.
   *
   * @param call {@code package.Service/Method}
   * @param data the request as JSON, or null for the default message
   * @param protoset a descriptor set file, or null to use the server's reflection
   * @param metadata {@code key=value} entries
   * @param compression {@code gzip}, {@code identity} or null (none)
   * @param streamMessages messages per call of a client-streaming or bidi method given one JSON object; 0 when not
   *     given
   * @throws IllegalArgumentException in one line naming the problem
   */
  public CallSpec(String call, String data, Path protoset, List<String> metadata, String compression,
      int streamMessages) {
    MethodResolver.split(call);
    if (streamMessages < 0) {
      throw new IllegalArgumentException("--stream-messages must be >= 1, was " + streamMessages);
    }
    this.call = call.strip();
    this.data = data == null ? NO_DATA : data;
    this.protoset = protoset;
    this.metadataEntries = List.copyOf(metadata);
    this.metadata = CallMetadata.parse(metadata);
    this.compression = compressor(compression);
    this.streamMessages = streamMessages;
    if (protoset != null) {
      Descriptors.MethodDescriptor method = MethodResolver.protoset(protoset).resolve(call);
      this.fromProtoset = template(method);
      this.type = typeName(method);
    } else {
      this.fromProtoset = null;
      this.type = null;
    }
  }

  private static String compressor(String name) {
    if (name == null || name.equalsIgnoreCase("identity")) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (CompressorRegistry.getDefaultInstance().lookupCompressor(lower) == null) {
      throw new IllegalArgumentException("--compress must be gzip (or identity for none), was " + name);
    }
    return lower;
  }

  /** The method as named, {@code package.Service/Method}. */
  public String call() {
    return call;
  }

  /**
   * The template of every call: from the protoset, or from the reflection service of the server behind
   * {@code channel}, asked within {@code timeout}.
   *
   * @throws IllegalArgumentException in one line: an unknown service or method, a server without reflection, data
   *     that does not fit the request, or a message count that does not go with the method
   */
  public CallTemplate resolve(Channel channel, Duration timeout) {
    return fromProtoset != null ? fromProtoset
        : template(MethodResolver.reflection(channel, timeout).resolve(call));
  }

  private CallTemplate template(Descriptors.MethodDescriptor method) {
    String name = method.getService().getFullName() + "/" + method.getName();
    boolean array = data.strip().startsWith("[");
    if (method.isClientStreaming() && !array && streamMessages == 0) {
      throw new IllegalArgumentException(name + " is " + typeName(method) + ": give --stream-messages N (the"
          + " messages each call sends) or --data as a JSON array of each call's messages");
    }
    if (!method.isClientStreaming() && streamMessages != 0) {
      throw new IllegalArgumentException("--stream-messages is for client-streaming and bidi methods; " + name
          + " is " + typeName(method));
    }
    return CallTemplate.dynamic(method, RequestData.parse(method, data, streamMessages), metadata, compression);
  }

  private static String typeName(Descriptors.MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming() ? "bidi streaming" : "client streaming";
    }
    return method.isServerStreaming() ? "server streaming" : "unary";
  }

  /** For the run's summary: the method, the data, where the descriptor came from; metadata keys, not values. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", call);
    if (type != null) {
      m.put("type", type);
    }
    m.put("descriptors", protoset != null ? "protoset " + protoset : "server reflection");
    m.put("data", data.length() <= SUMMARY_DATA_CHARS ? data : digest(data));
    if (streamMessages > 0) {
      m.put("streamMessages", streamMessages);
    }
    List<String> keys = new ArrayList<>();
    // Values can be credentials (authorization=Bearer …): a summary that may be shared names the keys only.
    for (String e : metadataEntries) {
      keys.add(e.substring(0, e.indexOf('=')).toLowerCase(Locale.ROOT));
    }
    if (!keys.isEmpty()) {
      m.put("metadataKeys", keys);
    }
    m.put("compression", compression == null ? "identity" : compression);
    return m;
  }

  private static String digest(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + " ("
          + bytes.length + " bytes)";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** One line for a run's summary: the method, where its descriptor came from, and the data. */
  public String describe() {
    String json = data.strip().replaceAll("\\s+", " ");
    return call + (type != null ? " (" + type + ")" : "") + ", descriptor from "
        + (protoset != null ? protoset.getFileName() : "server reflection") + ", data "
        + (json.length() > 60 ? json.substring(0, 57) + "..." : json)
        + (streamMessages > 0 ? " x" + streamMessages + " per call" : "");
  }

  @Override
  public String toString() {
    return call;
  }
}
