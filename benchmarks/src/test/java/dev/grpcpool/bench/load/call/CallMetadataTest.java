package dev.grpcpool.bench.load.call;

import static dev.grpcpool.bench.load.call.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link CallMetadata}. */
class CallMetadataTest {

  @Test
  void entries_becomeMetadata_binaryKeysFromBase64() {
    Metadata m = CallMetadata.parse(List.of("X-User=alice", "x-user=bob", "empty=", "trace-bin=AQID",
        "padded-bin=AQI=", "pair=a=b"));

    assertThat(m.getAll(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER))).containsExactly("alice", "bob");
    assertThat(m.get(Metadata.Key.of("empty", Metadata.ASCII_STRING_MARSHALLER))).isEmpty();
    assertThat(m.get(Metadata.Key.of("trace-bin", Metadata.BINARY_BYTE_MARSHALLER))).containsExactly(1, 2, 3);
    assertThat(m.get(Metadata.Key.of("padded-bin", Metadata.BINARY_BYTE_MARSHALLER))).containsExactly(1, 2);
    assertThat(m.get(Metadata.Key.of("pair", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("a=b");
  }

  @Test
  void entryWithoutKeyOrEquals_isRefused() {
    assertRefused(() -> CallMetadata.parse(List.of("novalue")), "\"novalue\"", "key=value");
    assertRefused(() -> CallMetadata.parse(List.of("=x")), "\"=x\"", "key=value");
  }

  @Test
  void invalidKey_isRefusedNamingIt() {
    assertRefused(() -> CallMetadata.parse(List.of("bad key=1")), "metadata key bad key", "not a valid key");
    assertRefused(() -> CallMetadata.parse(List.of(":path=/x")), "metadata key :path", "not a valid key");
    assertRefused(() -> CallMetadata.parse(List.of("grpc-timeout=1S")), "metadata key grpc-timeout", "reserved");
  }

  @Test
  void badValues_areRefusedNamingTheKey() {
    assertRefused(() -> CallMetadata.parse(List.of("trace-bin=not base64!")), "metadata key trace-bin", "base64");
    assertRefused(() -> CallMetadata.parse(List.of("name=caf\u00e9")), "metadata key name", "printable ASCII");
  }
}
