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
 * if given ({@code static://echo.internal/...}), else the first address. Malformed targets, such as an entry
 * without a port or with a port outside 1..65535, are rejected when the channel is built, with an
 * {@link IllegalArgumentException} that quotes the bad entry and says what is wrong with it.
 *
 * <p>pool-core does not register it; see the package documentation for the ways to opt in. This class is
 * thread-safe.
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
      String trimmed = entry.trim();
      result.add(HostPort.parse(trimmed, -1, "static target entry \"" + trimmed + "\""));
    }
    return Collections.unmodifiableList(result);
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
