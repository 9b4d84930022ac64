package dev.grpcpool.core.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.SynchronizationContext;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link StaticNameResolverProvider}; channels over it are tested in {@code ChannelPoolNettyTest}. */
class StaticNameResolverProviderTest {

  private final StaticNameResolverProvider provider = new StaticNameResolverProvider();
  private final NameResolver.Args args = NameResolver.Args.newBuilder()
      .setDefaultPort(443)
      .setProxyDetector(address -> null)
      .setSynchronizationContext(new SynchronizationContext((t, e) -> { }))
      .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
        @Override
        public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> config) {
          return NameResolver.ConfigOrError.fromConfig(config);
        }
      })
      .build();

  @Test
  void isRegisteredAsAServiceForItsScheme() {
    assertThat(ServiceLoader.load(NameResolverProvider.class))
        .anyMatch(p -> p instanceof StaticNameResolverProvider && p.getDefaultScheme().equals("static"));
  }

  @Test
  void parsesEveryAddress_includingBracketedIpv6() {
    List<HostPort> list =
        StaticNameResolverProvider.parseAddresses("/127.0.0.1:50051, localhost:50052,[::1]:50053");

    assertThat(list).extracting(Object::toString)
        .containsExactly("127.0.0.1:50051", "localhost:50052", "[::1]:50053");
    assertThat(list.get(2).host).isEqualTo("::1");
  }

  @Test
  void authority_isTheUriAuthorityIfGiven_elseTheFirstAddress() {
    assertThat(provider.newNameResolver(URI.create("static:///10.0.0.1:1,10.0.0.2:2"), args).getServiceAuthority())
        .isEqualTo("10.0.0.1:1");
    assertThat(provider.newNameResolver(URI.create("static://echo.internal/10.0.0.1:1"), args)
        .getServiceAuthority()).isEqualTo("echo.internal");
  }

  @Test
  void otherScheme_isNotHandled() {
    assertThat(provider.newNameResolver(URI.create("dns:///10.0.0.1:1"), args)).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "static:///|static target needs at least one host:port, as in static:///127.0.0.1:50051,127.0.0.1:50052",
      "static:///10.0.0.1|static target entry \"10.0.0.1\": no port; write host:port",
      "static:///10.0.0.1:1,|static target entry \"\": empty; write host:port",
      "static:///10.0.0.1:http|static target entry \"10.0.0.1:http\": port \"http\" is not a number in 1..65535",
      "static:///10.0.0.1:70000|static target entry \"10.0.0.1:70000\": port 70000 is out of range 1..65535",
      "static:///:80|static target entry \":80\": no host before the port",
      "static:///h%20x:80|"
          + "static target entry \"h x:80\": host \"h x\" has a character no host name or address has: ' '",
      "static:///%5B10.0.0.1%5D:80|"
          + "static target entry \"[10.0.0.1]:80\": brackets are for IPv6 addresses, found [10.0.0.1]",
      "static:///::1:80|"
          + "static target entry \"::1:80\": more than one ':'; write host:port, "
          + "and an IPv6 address in brackets, [::1]:443"})
  void malformedTarget_isRejectedQuotingTheEntry(String target, String message) {
    assertThatThrownBy(() -> provider.newNameResolver(URI.create(target), args))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "static:///10.0.0.1:0|port 0 is out of range 1..65535",
      "static:///10.0.0.1:65536|port 65536 is out of range 1..65535",
      "static:///10.0.0.1:1,10.0.0.2:99999|port 99999 is out of range 1..65535",
      "static:///%5B::1%5D:99999|port 99999 is out of range 1..65535",
      "static:///10.0.0.1:1234:5678|more than one ':'; write host:port, and an IPv6 address in brackets, [::1]:443"})
  void badPort_isRejectedNamingThePortAndItsRange(String target, String problem) {
    assertThatThrownBy(() -> provider.newNameResolver(URI.create(target), args))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(": " + problem);
  }
}
