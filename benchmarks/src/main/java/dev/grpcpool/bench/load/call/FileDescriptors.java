package dev.grpcpool.bench.load.call;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.JavaFeaturesProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds {@link FileDescriptor}s from the {@link FileDescriptorProto}s that a protoset or a server's reflection
 * service gives, each after the files it imports. An import that the source does not give is taken from the
 * protobuf runtime when it is a well-known type ({@code google/protobuf/timestamp.proto} and the like): servers
 * and protosets often leave those out, and every protobuf runtime has the same ones.
 *
 * <p>Stateless and thread-safe.
 */
final class FileDescriptors {
  private static final Map<String, FileDescriptor> WELL_KNOWN = Stream.of(AnyProto.getDescriptor(),
          ApiProto.getDescriptor(), DescriptorProtos.getDescriptor(), DurationProto.getDescriptor(),
          EmptyProto.getDescriptor(), FieldMaskProto.getDescriptor(), JavaFeaturesProto.getDescriptor(),
          SourceContextProto.getDescriptor(), StructProto.getDescriptor(), TimestampProto.getDescriptor(),
          TypeProto.getDescriptor(), WrappersProto.getDescriptor())
      .collect(Collectors.toUnmodifiableMap(FileDescriptor::getName, Function.identity()));

  private FileDescriptors() {}

  /**
   * The imports of {@code protos} that are neither among them nor well-known types, each with a file that imports
   * it: what the source must still give before {@link #build} can succeed.
   */
  static Map<String, String> missing(Map<String, FileDescriptorProto> protos) {
    Map<String, String> missing = new TreeMap<>();
    for (FileDescriptorProto proto : protos.values()) {
      for (String dependency : proto.getDependencyList()) {
        if (!protos.containsKey(dependency) && !WELL_KNOWN.containsKey(dependency)) {
          missing.putIfAbsent(dependency, proto.getName());
        }
      }
    }
    return missing;
  }

  /**
   * Builds every file of {@code protos}, in whatever order they come.
   *
   * @param origin names the source in error messages, e.g. {@code "protoset a.pb"}
   * @return the built files by name
   * @throws IllegalArgumentException in one line when a file is missing, imports itself or does not build
   */
  static Map<String, FileDescriptor> build(Map<String, FileDescriptorProto> protos, String origin) {
    Map<String, FileDescriptor> built = new LinkedHashMap<>();
    for (String name : protos.keySet()) {
      build(name, null, protos, built, new HashSet<>(), origin);
    }
    return built;
  }

  /** The services of {@code files} by full name. */
  static Map<String, ServiceDescriptor> services(Collection<FileDescriptor> files) {
    Map<String, ServiceDescriptor> services = new TreeMap<>();
    for (FileDescriptor file : files) {
      for (ServiceDescriptor service : file.getServices()) {
        services.put(service.getFullName(), service);
      }
    }
    return services;
  }

  private static FileDescriptor build(String name, String importer, Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built, Set<String> importing, String origin) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (proto == null) {
      FileDescriptor wellKnown = WELL_KNOWN.get(name);
      if (wellKnown == null) {
        throw new IllegalArgumentException(origin + " lacks " + name + ", imported by " + importer);
      }
      return wellKnown;
    }
    // protoc refuses import cycles, but a server's answers are not protoc's output.
    if (!importing.add(name)) {
      throw new IllegalArgumentException(origin + ": " + name + " imports itself (through " + importer + ")");
    }
    FileDescriptor[] dependencies = new FileDescriptor[proto.getDependencyCount()];
    for (int i = 0; i < dependencies.length; i++) {
      dependencies[i] = build(proto.getDependency(i), name, protos, built, importing, origin);
    }
    importing.remove(name);
    try {
      FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies);
      built.put(name, file);
      return file;
    } catch (DescriptorValidationException e) {
      throw new IllegalArgumentException(origin + ": cannot build " + name + ": " + Lines.first(e.getMessage()));
    }
  }
}
