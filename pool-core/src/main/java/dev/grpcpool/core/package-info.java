/**
 * A pool of gRPC channels that is itself a {@link io.grpc.ManagedChannel}: bind a stub to a
 * {@link dev.grpcpool.core.ChannelPool} once, and every call picks one of its channels.
 *
 * <h2>What is public</h2>
 *
 * <ul>
 *   <li>{@link dev.grpcpool.core.ChannelPool} — the pool: {@code create}, {@code newCall} (through stubs),
 *       {@code stats()}, the article's {@code get()} / {@code getHealthy()}, and the {@code ManagedChannel}
 *       lifecycle and state contract;
 *   <li>{@link dev.grpcpool.core.PoolConfig} and its {@code Builder} — targets, size, strategy, health checking and
 *       the settings every channel is built with;
 *   <li>{@link dev.grpcpool.core.PickStrategy} — how a call chooses its channel;
 *   <li>{@link dev.grpcpool.core.PoolStats} — an immutable snapshot (records) of the pool's channels and counts;
 *   <li>{@link dev.grpcpool.core.PoolMetrics} — the same figures as Micrometer meters.
 * </ul>
 *
 * <p>Beside it: {@link dev.grpcpool.core.sizing} (how many channels) and {@link dev.grpcpool.core.resolver} (two
 * name resolvers, registered only when the application asks). {@link dev.grpcpool.core.InternalChannelPool} is
 * for this project's benchmarks, not for applications. Everything else in the package is an implementation type.
 *
 * <h2>Picking</h2>
 *
 * <p>A pool has a number of slots, fixed or between a minimum and a maximum (see "Sizing itself"); each holds one
 * channel at a time. A pick reads an immutable snapshot of
 * the slots' channels (built by {@code ChannelPicker}), chooses one by the strategy, and touches nothing else but
 * the chosen channels' in-flight counts and the calling thread's round-robin position: no lock, no allocation,
 * no integer division, and no call into gRPC. The snapshot is rebuilt whenever gRPC reports a channel's new
 * connectivity state ({@code notifyWhenStateChanged}), a health check's answer changes, or a slot gets a new
 * channel; the health pass also rebuilds it if it finds a state the callbacks had not reported. A pick that read
 * the snapshot just before a channel was replaced finds that channel retired when it counts the call, and picks
 * again from the new snapshot. {@code ROUND_ROBIN} cycles over every slot whatever its state; the other
 * strategies skip channels that are failing (see {@link dev.grpcpool.core.PickStrategy}).
 *
 * <h2>Call accounting</h2>
 *
 * <p>Every fact has one owner. A channel ({@code PooledChannel}) counts its own calls: a call is retained when
 * picked (in flight, unstarted, and a pick of the slot), released from "unstarted" when it starts, and closed
 * exactly once — OK, failed (any other status, a cancel, a {@code start} that throws) or abandoned (created and
 * then dropped without {@code start} or {@code cancel}, found unreachable by a JVM-wide {@link java.lang.ref.Cleaner}).
 * The call wrapper ({@code CountingCall}) talks only to its channel. A slot ({@code Slot}) adds up its channels'
 * picks and outcomes over the pool's life and counts its replacements. {@code stats()} reads these counters
 * without a lock; calls still running on replaced channels are reported as {@code drainingInFlight}.
 *
 * <h2>Health and replacement</h2>
 *
 * <p>A channel's health is its connectivity state, plus the answer of a grpc.health.v1 {@code Check} when a health
 * service is configured (see {@link dev.grpcpool.core.PoolStats.Health}). Every {@code healthCheckInterval} a
 * maintenance pass re-reads the states, starts checks, resets the reconnect backoff of failing channels, and
 * schedules replacements: at once for a channel that was shut down, after {@code transientFailureGrace} (with
 * jitter) for one that keeps failing — unless more than half are failing, which means the backend is down and
 * new connections would not help — and at about {@code maxChannelAge} when one is set. A replacement is built from
 * the whole config, swapped into its slot, published in the snapshot, and only then is the old channel retired:
 * it accepts no new call, shuts down gracefully once its last picked call has started (so running calls finish),
 * and is shut down after 30 seconds at the latest.
 *
 * <h2>Sizing itself</h2>
 *
 * <p>With {@code minSize < maxSize} the pool starts at {@code minSize} and, every {@code resizeInterval} on its
 * maintenance thread ({@code PoolResizer}), compares two measures with the band {@code callsPerChannel}: calls in
 * flight per channel (sampled four times per interval) and queuing, seen rather than assumed — every call
 * carries a {@link io.grpc.ClientStreamTracer} that times stream creation to headers out, which is where a call
 * waits when its connection already carries the server's {@code MAX_CONCURRENT_STREAMS}, whatever that limit is.
 * It grows when calls queued on channels carrying at least the band's low end, or calls per channel are above
 * the band; it shrinks when they are below the band; by at most {@code maxResizeStep} channels per interval,
 * never outside {@code minSize..maxSize}, never while a channel it added is still connecting or none is READY.
 * Channels are added at the next index and join the pick snapshot once READY; they are removed from the last
 * index, leaving the snapshot first and then draining like a replaced channel, and never when that would remove
 * the last healthy channel. A removed index keeps its slot and counters ({@code PoolStats.removed()}) and is
 * reused when the pool grows again. Every pool, fixed ones included, reports the calls that waited and for how
 * long, per slot.
 *
 * <h2>Threads</h2>
 *
 * <p>A pool owns one daemon thread, {@code grpcpool-<n>-maintenance}, which runs the health pass, replacements,
 * resizes and retirements; it ends with {@code shutdown()}. State callbacks run on gRPC's threads and only rebuild the
 * snapshot and tell {@code notifyWhenStateChanged} watchers. The JVM has one more daemon thread,
 * {@code grpcpool-call-cleaner}, shared by all pools, which releases abandoned calls. Calls never wait for either:
 * nothing on a call's path takes a lock or waits for the maintenance thread. {@code close()} returns once every
 * channel and the maintenance thread have terminated (forcing after {@code closeTimeout}).
 *
 * <p>All public types are thread-safe; {@code PoolConfig.Builder} is meant for one thread.
 */
package dev.grpcpool.core;
