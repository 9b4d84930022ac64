package dev.grpcpool.bench.load.call;

import com.google.protobuf.Descriptors;

/** Where {@link MethodResolver} finds services: a protoset file or a server's reflection service. */
interface ServiceSource {

  /**
   * The service of that full name ({@code package.Service}), with the files it needs built.
   *
   * @throws IllegalArgumentException in one line when the source does not have it or cannot be read
   */
  Descriptors.ServiceDescriptor service(String fullName);
}
