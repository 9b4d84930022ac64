/**
 * Calls of any gRPC service, known at run time rather than compiled in: what a load run sends to a user's own
 * method ({@code grpcpool load --call package.Service/Method --data '{json}'}, as ghz does). The load generator
 * starts every call, the echo call included, from a {@link dev.grpcpool.bench.load.call.CallTemplate}.
 *
 * <h2>From a method's name to a call</h2>
 * <ol>
 *   <li>{@link dev.grpcpool.bench.load.call.MethodResolver} finds the method's descriptor: from the server's
 *       reflection service ({@code grpc.reflection.v1}, else {@code v1alpha}), asking for the file that holds the
 *       service and for any import the answer lacks, or from a descriptor set file ({@code --protoset}, written by
 *       {@code protoc --descriptor_set_out=FILE --include_imports}). Imports of well-known types
 *       ({@code google/protobuf/*.proto}) that neither gives are taken from the protobuf runtime.
 *   <li>{@link dev.grpcpool.bench.load.call.DynamicMethod} turns it into an {@code io.grpc.MethodDescriptor} of
 *       {@code DynamicMessage}s, of the call type (unary, server, client or bidi streaming) its descriptor says.
 *   <li>{@link dev.grpcpool.bench.load.call.RequestData} makes each call's request messages from JSON with
 *       protobuf's {@code JsonFormat}, with placeholders for per-call values ({@code {{seq}}}, {@code {{uuid}}},
 *       {@code {{random A B}}}, {@code {{timestamp}}}); data without placeholders is parsed once.
 *   <li>{@link dev.grpcpool.bench.load.call.CallMetadata} makes the metadata sent with every call from
 *       {@code key=value} entries ({@code -bin} keys in base64).
 *   <li>{@link dev.grpcpool.bench.load.call.CallSpec} holds what the command line gave and checks it (entirely,
 *       with a protoset); {@link dev.grpcpool.bench.load.call.CallSpec#resolve} makes the
 *       {@link dev.grpcpool.bench.load.call.CallTemplate} once the server has been asked.
 * </ol>
 *
 * <h2>Bad input</h2>
 * Everything a user gives is checked before the first call, and every refusal is an
 * {@code IllegalArgumentException} whose message is one line that names the problem and, where it helps, what
 * would have been right: the services a server or protoset has, a service's methods, the request type's fields,
 * the known placeholders, or that a server without reflection needs {@code --protoset}.
 *
 * <h2>Threads</h2>
 * Every type here is immutable or stateless, and thread-safe: one {@code RequestData} serves all callers of a run.
 * The only blocking call is {@link dev.grpcpool.bench.load.call.MethodResolver#resolve} through server reflection,
 * which waits at most its timeout and is meant for the start of a run.
 */
package dev.grpcpool.bench.load.call;
