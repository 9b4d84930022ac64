package dev.grpcpool.core.resolver;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Name resolver for the scheme {@code static}: a fixed list of addresses behind one target, such as
 * {@code static:///127.0.0.1:50051,127.0.0.1:50052}, so a channel's own {@code round_robin} or
 * {@code pick_first} policy can spread over a local fleet without DNS.
 *
 * <p>Each {@code host:port} becomes its own address group (one subchannel each under round_robin). IPv6
 * literals are written in brackets, percent-encoded in the URI ({@code %5B::1%5D:50051}). A host name is
 * looked up when the channel starts the resolver and on each refresh. The authority is the URI's authority
 * if given ({@code static://echo.internal/...}), else the first address. Malformed targets are rejected
 * when the channel is built, with an {@link IllegalArgumentException} that quotes the bad entry.
 *
 * <p>Registered through {@code META-INF/services/io.grpc.NameResolverProvider}. This class is thread-safe.
 */
public final class StaticNameResolverProvider extends NameResolverProvider {

  public static final String SCHEME = "static";

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return Collections.singleton(InetSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    List<HostPort> addresses = parseAddresses(targetUri.getPath());
    String authority = targetUri.getAuthority();
    if (authority == null || authority.isEmpty()) {
      authority = addresses.get(0).authority();
    }
    return new StaticNameResolver(authority, addresses);
  }

  /** Parses {@code "/h1:p1,h2:p2"} (the URI path) into host/port pairs. */
  static List<HostPort> parseAddresses(String path) {
    String list = path == null ? "" : path.startsWith("/") ? path.substring(1) : path;
    if (list.isBlank()) {
      throw new IllegalArgumentException(
          "static target needs at least one host:port, as in static:///127.0.0.1:50051,127.0.0.1:50052");
    }
    List<HostPort> result = new ArrayList<>();
    for (String entry : list.split(",", -1)) {
      result.add(HostPort.parse(entry.trim()));
    }
    return Collections.unmodifiableList(result);
  }

  /** One {@code host:port} entry of a static target. Immutable. */
  static final class HostPort {
    final String host;
    final int port;

    private HostPort(String host, int port) {
      this.host = host;
      this.port = port;
    }

    static HostPort parse(String entry) {
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw new IllegalArgumentException("static target entry must be host:port (was \"" + entry + "\")");
      }
      String host = entry.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "static target entry with an IPv6 host needs brackets, [host]:port (was \"" + entry + "\")");
      }
      int port;
      try {
        port = Integer.parseInt(entry.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("static target entry port must be a number (was \"" + entry + "\")");
      }
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "static target entry must be host:port with port 1..65535 (was \"" + entry + "\")");
      }
      return new HostPort(host, port);
    }

    String authority() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
      return authority();
    }
  }

  /** Publishes the fixed address list; re-resolves host names on refresh. Called on the channel's sync context. */
  private static final class StaticNameResolver extends NameResolver {
    private final String authority;
    private final List<HostPort> addresses;
    private Listener2 listener;

    StaticNameResolver(String authority, List<HostPort> addresses) {
      this.authority = authority;
      this.addresses = addresses;
    }

    @Override
    public String getServiceAuthority() {
      return authority;
    }

    @Override
    public void start(Listener2 listener) {
      this.listener = listener;
      resolve();
    }

    @Override
    public void refresh() {
      if (listener != null) {
        resolve();
      }
    }

    private void resolve() {
      List<EquivalentAddressGroup> groups = new ArrayList<>(addresses.size());
      for (HostPort hp : addresses) {
        InetSocketAddress address = new InetSocketAddress(hp.host, hp.port);
        if (address.isUnresolved()) {
          listener.onError(Status.UNAVAILABLE.withDescription("static target host not found: " + hp));
          return;
        }
        groups.add(new EquivalentAddressGroup(address));
      }
      listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
    }

    @Override
    public void shutdown() {
      listener = null;
    }
  }
}
