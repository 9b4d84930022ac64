package dev.grpcpool.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link PrometheusEndpoint}, fetched over real HTTP with {@link HttpClient}. */
class PrometheusEndpointTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private PrometheusMeterRegistry registry;
  private PrometheusEndpoint endpoint;

  @BeforeEach
  void setUp() throws IOException {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    endpoint = PrometheusEndpoint.start(registry, 0);
  }

  @AfterEach
  void tearDown() {
    endpoint.close();
    registry.close();
  }

  @Test
  void getMetrics_servesTheRegistrysCurrentScrape() throws Exception {
    Counter calls = Counter.builder("grpc.pool.test.calls").register(registry);
    calls.increment(3);

    HttpResponse<String> response = get(endpoint.uri(), null);

    assertThat(endpoint.uri().toString()).isEqualTo("http://127.0.0.1:" + endpoint.port() + "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(PrometheusEndpoint.TEXT_CONTENT_TYPE);
    assertThat(response.body()).contains("grpc_pool_test_calls_total 3.0");

    calls.increment();
    assertThat(get(endpoint.uri(), null).body()).contains("grpc_pool_test_calls_total 4.0");
  }

  @Test
  void openMetricsAccept_getsOpenMetricsFormat() throws Exception {
    Counter.builder("grpc.pool.test.calls").register(registry).increment();

    HttpResponse<String> response = get(endpoint.uri(), "application/openmetrics-text; version=1.0.0");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue(PrometheusEndpoint.OPENMETRICS_CONTENT_TYPE);
    assertThat(response.body()).contains("grpc_pool_test_calls_total 1.0").endsWith("# EOF\n");
  }

  @Test
  void otherPathsAndMethods_areRefused() throws Exception {
    URI other = endpoint.uri().resolve("/other");
    assertThat(get(other, null).statusCode()).isEqualTo(404);

    HttpResponse<String> post = http.send(
        HttpRequest.newBuilder(endpoint.uri()).POST(HttpRequest.BodyPublishers.ofString("x"))
            .timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void close_stopsServingAndIsIdempotent() throws Exception {
    URI uri = endpoint.uri();
    assertThat(get(uri, null).statusCode()).isEqualTo(200);

    endpoint.close();
    endpoint.close();

    // A refused connect, or a pooled connection found closed: either way nothing answers any more.
    assertThatThrownBy(() -> get(uri, null)).isInstanceOf(IOException.class);
  }

  @Test
  void start_portOutOfRange_isRejectedNamingIt() {
    assertThatThrownBy(() -> PrometheusEndpoint.start(registry, 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port")
        .hasMessageContaining("70000");
  }

  private HttpResponse<String> get(URI uri, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
