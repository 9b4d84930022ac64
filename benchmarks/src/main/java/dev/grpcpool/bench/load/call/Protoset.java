package dev.grpcpool.bench.load.call;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The services of a descriptor set file ({@code --protoset}), as {@code protoc --descriptor_set_out=FILE
 * --include_imports} writes it: a serialized {@code FileDescriptorSet}. Every file in it is built when it is read,
 * so a broken file is refused before a run rather than when a call needs it.
 *
 * <p>Immutable and thread-safe.
 */
final class Protoset implements ServiceSource {
  private final String origin;
  private final Map<String, ServiceDescriptor> services;

  private Protoset(String origin, Map<String, ServiceDescriptor> services) {
    this.origin = origin;
    this.services = services;
  }

  /**
   * Reads and builds the file.
   *
   * @throws IllegalArgumentException in one line when the file cannot be read, is not a descriptor set, lacks an
   *     import or does not build
   */
  static Protoset read(Path file) {
    String origin = "protoset " + file;
    FileDescriptorSet set;
    try {
      set = FileDescriptorSet.parseFrom(Files.readAllBytes(file));
    } catch (InvalidProtocolBufferException e) {
      throw notASet(origin, Lines.first(e.getMessage()));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + origin + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("cannot read " + origin + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + origin + ": " + Lines.first(e.getMessage()));
    }
    // Many byte strings parse as a message of unknown fields only: what protoc writes always names its files.
    if (set.getFileCount() == 0 || set.getFileList().stream().anyMatch(f -> f.getName().isEmpty())) {
      throw notASet(origin, set.getFileCount() == 0 ? "it holds no files" : "a file has no name");
    }
    Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
    set.getFileList().forEach(f -> protos.putIfAbsent(f.getName(), f));
    Map<String, String> missing = FileDescriptors.missing(protos);
    if (!missing.isEmpty()) {
      Map.Entry<String, String> first = missing.entrySet().iterator().next();
      throw new IllegalArgumentException(origin + " lacks " + first.getKey() + ", imported by " + first.getValue()
          + "; write it with protoc --include_imports");
    }
    return new Protoset(origin, FileDescriptors.services(FileDescriptors.build(protos, origin).values()));
  }

  private static IllegalArgumentException notASet(String origin, String why) {
    return new IllegalArgumentException(origin + " is not a descriptor set (" + why
        + "); write one with protoc --descriptor_set_out=FILE --include_imports");
  }

  @Override
  public ServiceDescriptor service(String fullName) {
    ServiceDescriptor service = services.get(fullName);
    if (service == null) {
      throw new IllegalArgumentException("unknown service " + fullName + ": " + origin + " has "
          + Lines.list(services.keySet()));
    }
    return service;
  }
}
