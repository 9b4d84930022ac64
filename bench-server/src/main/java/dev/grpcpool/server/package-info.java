/**
 * An echo gRPC server to pool against: in-process or on Netty, with simulated work, per-connection limits,
 * the standard health service and fault controls.
 *
 * <h2>Backends</h2>
 * {@link dev.grpcpool.server.BenchServer} is one backend, built with
 * {@link dev.grpcpool.server.BenchServer#netty(int)} or {@link dev.grpcpool.server.BenchServer#inProcess(String)};
 * {@link dev.grpcpool.server.BenchFleet} starts several from one template, behind one {@code static:///}
 * target. The service is {@code grpcpool.echo.v1.Echo} (generated classes in
 * {@code dev.grpcpool.server.proto}).
 *
 * <h2>Behind an L4 balancer</h2>
 * {@link dev.grpcpool.server.BenchFleet#startL4} puts an {@link dev.grpcpool.server.L4Balancer} in front of a
 * Netty fleet: one address whose TCP connections are each pinned to one backend (random, round-robin or
 * least-connections, as kube-proxy, IPVS and cloud network load balancers do), with an optional delay per
 * direction. It balances connections, not calls, so one channel reaches one backend only.
 *
 * <h2>Interceptors</h2>
 * {@link dev.grpcpool.server.BenchServer.Builder#interceptors} adds the caller's
 * {@link io.grpc.ServerInterceptor}s to every service a backend serves (echo and health), first given runs first,
 * so a test can check headers, deadlines or {@code :authority}, or refuse calls, without building its own server.
 *
 * <h2>Work</h2>
 * A request's {@code cpu_micros} spin on the handling thread; its {@code io_micros} are a wait that holds no
 * thread (the answer is scheduled on a timer). A request naming neither gets the backend's
 * {@link dev.grpcpool.server.WorkProfile}. {@link dev.grpcpool.server.BenchServer.Builder#workers} caps how many
 * requests' work a backend does at once, across all its connections; the rest wait their turn, so a backend
 * saturates at a known rate as a server with a worker pool does.
 *
 * <h2>Threads</h2>
 * {@link dev.grpcpool.server.ServerExecutor#WORK_STEALING}, the default, runs calls on a work-stealing pool
 * sized to the cores with the server's own Netty event loops, as grpc-java's benchmark server does;
 * {@link dev.grpcpool.server.ServerExecutor#GRPC_DEFAULT} reproduces a default grpc-java server for comparison.
 * Every thread a backend owns is named {@code grpcpool-server-<backend id>-...} and ends when it is closed.
 */
package dev.grpcpool.server;
