package dev.grpcpool.bench.load.call;

import com.google.protobuf.Descriptors.FileDescriptor;
import io.grpc.Status;
import io.grpc.reflection.v1.ErrorResponse;
import io.grpc.reflection.v1.FileDescriptorResponse;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A grpc.reflection.v1 service stingier than grpc-java's: it sends only the file asked for, never the files it
 * imports, and knows no well-known types; or, when silent, never answers at all.
 */
final class OneFileReflection extends ServerReflectionGrpc.ServerReflectionImplBase {
  /** What the service was asked, as {@code "FILE_BY_FILENAME test/types.proto"}. */
  final List<String> asked = new CopyOnWriteArrayList<>();
  private final Map<String, FileDescriptor> files;
  private final boolean silent;

  OneFileReflection(boolean silent, FileDescriptor... files) {
    this.silent = silent;
    this.files = new ConcurrentHashMap<>(List.of(files).stream()
        .collect(Collectors.toMap(FileDescriptor::getName, Function.identity())));
  }

  @Override
  public StreamObserver<ServerReflectionRequest> serverReflectionInfo(
      StreamObserver<ServerReflectionResponse> responses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ServerReflectionRequest request) {
        String name = switch (request.getMessageRequestCase()) {
          case FILE_CONTAINING_SYMBOL -> request.getFileContainingSymbol();
          case FILE_BY_FILENAME -> request.getFileByFilename();
          default -> "";
        };
        asked.add(request.getMessageRequestCase() + " " + name);
        if (silent) {
          return;
        }
        FileDescriptor file = files.values().stream()
            .filter(f -> f.getName().equals(name)
                || f.getServices().stream().anyMatch(s -> s.getFullName().equals(name)))
            .findFirst().orElse(null);
        responses.onNext(file == null
            ? ServerReflectionResponse.newBuilder().setErrorResponse(ErrorResponse.newBuilder()
                .setErrorCode(Status.Code.NOT_FOUND.value()).setErrorMessage(name + " not found")).build()
            : ServerReflectionResponse.newBuilder().setFileDescriptorResponse(FileDescriptorResponse.newBuilder()
                .addFileDescriptorProto(file.toProto().toByteString())).build());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }
}
