package dev.grpcpool.bench.load.call;

import com.google.protobuf.Descriptors;
import io.grpc.Channel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Finds the descriptor of a method named {@code package.Service/Method} (or {@code package.Service.Method}), from
 * a server's reflection service or from a protoset file.
 *
 * <p>Thread-safe. A resolver from a protoset has read and built the whole file when it is made; a resolver on a
 * server asks it anew at every {@link #resolve}, within the timeout it was made with.
 */
public final class MethodResolver {
  /** How long one {@link #resolve} through server reflection may take, unless told otherwise. */
  public static final Duration DEFAULT_REFLECTION_TIMEOUT = Duration.ofSeconds(10);

  private final ServiceSource source;

  private MethodResolver(ServiceSource source) {
    this.source = source;
  }

  /**
   * Resolves through the server reflection service of the server behind {@code channel}: {@code grpc.reflection.v1},
   * else {@code v1alpha}.
   *
   * @param timeout the deadline of one {@link #resolve}'s reflection call (both versions together)
   */
  public static MethodResolver reflection(Channel channel, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("reflection timeout must be positive, was " + timeout);
    }
    return new MethodResolver(new ReflectionClient(channel, timeout));
  }

  /**
   * Resolves from a descriptor set file, as {@code protoc --descriptor_set_out=FILE --include_imports} writes it.
   *
   * @throws IllegalArgumentException in one line when the file cannot be read or is not a descriptor set whose
   *     files build
   */
  public static MethodResolver protoset(Path file) {
    return new MethodResolver(Protoset.read(file));
  }

  /**
   * The method {@code call} names.
   *
   * @param call {@code package.Service/Method} or {@code package.Service.Method}
   * @throws IllegalArgumentException in one line for a malformed name, an unknown service (the message lists the
   *     known ones), an unknown method (it lists the service's methods), a server without reflection, or a
   *     reflection call that fails
   */
  public Descriptors.MethodDescriptor resolve(String call) {
    String[] name = split(call);
    Descriptors.ServiceDescriptor service = source.service(name[0]);
    Descriptors.MethodDescriptor method = service.findMethodByName(name[1]);
    if (method == null) {
      throw new IllegalArgumentException("unknown method " + name[1] + ": service "
          + service.getFullName() + " has " + Lines.list(service.getMethods().stream()
              .map(Descriptors.MethodDescriptor::getName).toList()));
    }
    return method;
  }

  /**
   * {@code call} split into the service's full name and the method's name.
   *
   * @param call {@code package.Service/Method} or {@code package.Service.Method}, with or without a leading slash
   * @throws IllegalArgumentException in one line for a malformed name
   */
  public static String[] split(String call) {
    String name = call == null ? "" : call.strip();
    name = name.startsWith("/") ? name.substring(1) : name;
    int split = name.indexOf('/') >= 0 ? name.lastIndexOf('/') : name.lastIndexOf('.');
    if (split <= 0 || split == name.length() - 1 || name.indexOf('/') != name.lastIndexOf('/')) {
      throw new IllegalArgumentException("--call must be package.Service/Method, was \"" + call + "\"");
    }
    return new String[] {name.substring(0, split), name.substring(split + 1)};
  }
}
