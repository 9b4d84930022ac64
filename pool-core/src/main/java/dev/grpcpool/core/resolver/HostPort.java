package dev.grpcpool.core.resolver;

/**
 * One {@code host[:port]} of a resolver target, checked when the channel is built: a target the resolver could
 * never dial fails {@code build()} with an {@link IllegalArgumentException} that names what is wrong, instead of
 * a channel that fails every call later.
 *
 * <p>A port is 1..65535. Port 0 is refused too: it means "any free port" only to a server that binds; a client
 * cannot connect to it. An IPv6 address is written in brackets, {@code [::1]:443} (percent-encoded in a URI,
 * {@code %5B::1%5D:443}); an unbracketed host is a host name or IPv4 address of letters, digits, {@code .},
 * {@code -} and {@code _}.
 *
 * <p>Immutable and thread-safe.
 */
final class HostPort {

  static final int MIN_PORT = 1;
  static final int MAX_PORT = 65_535;

  /** The host name or address, IPv6 without brackets. */
  final String host;
  final int port;

  private HostPort(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /**
   * Parses {@code text} as {@code host:port}, or as {@code host} alone when a default port is given.
   *
   * @param defaultPort the port when {@code text} names none, or -1 when a port is required
   * @param context what the text is, for the message, e.g. {@code cached-dns target cached-dns:///x:1}
   * @throws IllegalArgumentException if {@code text} is not a host and port in range; the message starts with
   *     {@code context} and says what is wrong
   */
  static HostPort parse(String text, int defaultPort, String context) {
    if (text.isEmpty()) {
      throw bad(context, defaultPort < 0 ? "empty; write host:port" : "empty; write host or host:port");
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw bad(context, "'[' is not closed by ']'");
      }
      host = text.substring(1, close);
      if (host.indexOf(':') < 0) {
        throw bad(context, "brackets are for IPv6 addresses, found [" + host + "]");
      }
      String rest = text.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw bad(context, "expected ':' and a port after ']', found \"" + rest + "\"");
      }
      port = rest.isEmpty() ? null : rest.substring(1);
    } else {
      int colon = text.indexOf(':');
      if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
        // Either an unbracketed IPv6 address or a second port: both are fixed by the same advice.
        throw bad(context, "more than one ':'; write host:port, and an IPv6 address in brackets, [::1]:443");
      }
      host = colon < 0 ? text : text.substring(0, colon);
      port = colon < 0 ? null : text.substring(colon + 1);
      if (host.isEmpty()) {
        throw bad(context, "no host before the port");
      }
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
            || c == '_')) {
          throw bad(context, "host \"" + host + "\" has a character no host name or address has: '" + c + "'");
        }
      }
    }
    if (port == null) {
      if (defaultPort < 0) {
        throw bad(context, "no port; write host:port");
      }
      return new HostPort(host, defaultPort);
    }
    return new HostPort(host, parsePort(port, context));
  }

  private static int parsePort(String port, String context) {
    if (port.isEmpty()) {
      throw bad(context, "no port after ':'");
    }
    if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(context, "port \"" + port + "\" is not a number in " + MIN_PORT + ".." + MAX_PORT);
    }
    long value;
    try {
      value = Long.parseLong(port);
    } catch (NumberFormatException e) {
      value = Long.MAX_VALUE; // more digits than a long holds: far out of range all the same
    }
    if (value < MIN_PORT || value > MAX_PORT) {
      throw bad(context, "port " + port + " is out of range " + MIN_PORT + ".." + MAX_PORT);
    }
    return (int) value;
  }

  private static IllegalArgumentException bad(String context, String problem) {
    return new IllegalArgumentException(context + ": " + problem);
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }
}
