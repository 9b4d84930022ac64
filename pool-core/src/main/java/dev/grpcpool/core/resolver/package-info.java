/**
 * Two gRPC name resolvers for pools: {@code static:///host1:port1,host2:port2} (several fixed addresses behind
 * one target, for a channel's own load-balancing policy to spread over) and {@code cached-dns:///host:port}
 * (DNS answers cached for a TTL and shared by every channel that resolves through the same provider
 * instance, serving the last good answer while a lookup fails).
 *
 * <h2>Registration is opt-in</h2>
 *
 * <p>pool-core registers nothing by itself: a library on the class path should not add URI schemes to every
 * channel of the application. Choose one of:
 *
 * <ul>
 *   <li>in code, once at start-up:
 *       <pre>{@code
 * NameResolverRegistry.getDefaultRegistry().register(new StaticNameResolverProvider());
 * NameResolverRegistry.getDefaultRegistry().register(new CachingDnsNameResolverProvider());
 * }</pre>
 *   <li>or declaratively: list the providers in your application's own
 *       {@code META-INF/services/io.grpc.NameResolverProvider} file, one class name per line
 *       ({@code dev.grpcpool.core.resolver.StaticNameResolverProvider},
 *       {@code dev.grpcpool.core.resolver.CachingDnsNameResolverProvider}); gRPC loads that file through
 *       {@link java.util.ServiceLoader} (keep it when shading, e.g. with {@code ServicesResourceTransformer});
 *   <li>or only for some channels: build a private {@code NameResolverRegistry} and pass it to
 *       {@code Grpc.newChannelBuilder(target, credentials, registry)} in
 *       {@link dev.grpcpool.core.PoolConfig.Builder#channelBuilderFactory}.
 * </ul>
 *
 * <p>Both providers are thread-safe.
 */
package dev.grpcpool.core.resolver;
