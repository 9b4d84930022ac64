package dev.grpcpool.bench.load.call;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes descriptor set files as {@code protoc --descriptor_set_out --include_imports} does. */
final class Protosets {
  private Protosets() {}

  /** Writes {@code roots} and everything they import, each file after its imports (protoc's order). */
  static Path write(Path file, FileDescriptor... roots) throws IOException {
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    for (FileDescriptor root : roots) {
      addWithImports(root, files);
    }
    return write(file, List.copyOf(files.values()));
  }

  /** Writes exactly {@code files}, in this order. */
  static Path write(Path file, List<FileDescriptorProto> files) throws IOException {
    Files.write(file, FileDescriptorSet.newBuilder().addAllFile(files).build().toByteArray());
    return file;
  }

  private static void addWithImports(FileDescriptor file, Map<String, FileDescriptorProto> files) {
    if (files.containsKey(file.getName())) {
      return;
    }
    file.getDependencies().forEach(d -> addWithImports(d, files));
    files.put(file.getName(), file.toProto());
  }
}
