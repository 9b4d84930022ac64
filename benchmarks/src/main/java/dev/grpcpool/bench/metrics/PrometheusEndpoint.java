package dev.grpcpool.bench.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP endpoint that serves a {@link PrometheusMeterRegistry}'s scrape at {@code /metrics}, so a long
 * load test can be watched from Prometheus or Grafana while it runs.
 *
 * <p>It uses the JDK's built-in {@code com.sun.net.httpserver} (no web framework) with one daemon thread, and
 * binds to the loopback address unless told otherwise. {@code GET} and {@code HEAD} of {@code /metrics} answer 200
 * with the Prometheus text format, or OpenMetrics when the scraper's {@code Accept} header asks for it; other
 * methods answer 405 and other paths 404.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * new PoolMetrics(pool).bindTo(registry);
 * try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, 9400)) {
 *   // curl http://127.0.0.1:9400/metrics
 * }
 * }</pre>
 *
 * <p>This class is thread-safe. {@link #close()} stops the server and its thread; it is idempotent.
 */
public final class PrometheusEndpoint implements AutoCloseable {

  /** The path the scrape is served at. */
  public static final String PATH = "/metrics";

  static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI uri;
  private volatile boolean closed;

  private PrometheusEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.uri = URI.create("http://" + host + ":" + bound.getPort() + PATH);
  }

  /**
   * Serves {@code registry} on {@code 127.0.0.1:port}.
   *
   * @param port 0 to 65535; 0 picks a free port (see {@link #port()})
   * @throws IllegalArgumentException if the port is out of range
   * @throws IOException if the port cannot be bound (in use, not permitted)
   */
  public static PrometheusEndpoint start(PrometheusMeterRegistry registry, int port) throws IOException {
    return start(registry, new InetSocketAddress(InetAddress.getLoopbackAddress(), checkPort(port)));
  }

  /**
   * Serves {@code registry} on the given address; pass a wildcard address to let other machines scrape.
   *
   * @throws IOException if the address cannot be bound
   */
  public static PrometheusEndpoint start(PrometheusMeterRegistry registry, InetSocketAddress address)
      throws IOException {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(address, "address");
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread t = new Thread(runnable, "grpcpool-prometheus-endpoint");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> respond(exchange, registry));
    server.start();
    return new PrometheusEndpoint(server, executor);
  }

  private static int checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    return port;
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The scrape URL, e.g. {@code http://127.0.0.1:9400/metrics}. */
  public URI uri() {
    return uri;
  }

  /**
   * Stops serving at once. Scrapers keep connections alive between scrapes, and the JDK server would wait out any
   * grace period for those idle connections, so there is none: a scrape caught mid-response is retried by the
   * scraper at its next interval. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        sendEmpty(exchange, 404);
        return;
      }
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        sendEmpty(exchange, 405);
        return;
      }
      String accept = exchange.getRequestHeaders().getFirst("Accept");
      String contentType = accept != null && accept.contains("application/openmetrics-text")
          ? OPENMETRICS_CONTENT_TYPE
          : TEXT_CONTENT_TYPE;
      ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
      registry.scrape(body, contentType);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      if (head) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.size());
      try (OutputStream out = exchange.getResponseBody()) {
        body.writeTo(out);
      }
    }
  }

  private static void sendEmpty(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
  }
}
