/**
 * The load generator behind {@code grpcpool load}: unary echo calls through a channel pool (or one channel) at a
 * fixed rate or with a fixed number of callers, every call recorded, faults injected into an embedded fleet.
 *
 * <h2>Open loop and coordinated omission</h2>
 * {@link dev.grpcpool.bench.load.LoadGenerator} in open-loop mode sends on a schedule ({@link
 * dev.grpcpool.bench.load.Arrivals}: evenly spaced or Poisson) whatever the server does. A closed-loop tool waits
 * for an answer before it sends again, so when the server stalls it simply stops asking, and the calls that real
 * users would have made during the stall never show up in its histogram ("coordinated omission"). Here each
 * call's latency is taken from its <em>intended</em> start: a call that had to wait (for the scheduler to catch
 * up, or for a free slot under a {@code --concurrency} cap) carries that wait in its latency. The service time
 * (from the actual send) is recorded too, so both views can be compared; a send later than the late threshold is
 * counted, and calls the schedule asked for but that could not be sent before the end are counted as missed.
 *
 * <h2>Recording</h2>
 * Two HdrHistogram {@code Recorder}s (corrected and service time, microseconds, 3 significant digits) take every
 * call without sampling; their interval histograms are taken once a second of the measurement and become the
 * {@code latency.hlog} and {@code service-time.hlog} files (one histogram per second), the timeline and the
 * totals. A call counts in the second it completed. Calls meant to start during the warm-up are never recorded.
 * Per-backend figures come from the backend id in each answer (for a failed call, from the backend behind the
 * channel that carried it); per-channel figures from {@link dev.grpcpool.bench.load.ChannelLabels} and the pool's
 * own counters.
 *
 * <h2>Threads</h2>
 * One scheduler thread (open loop), one ticker thread, and gRPC's own transport threads, on which the callbacks
 * record and, in closed loop, start the next call. No thread waits for a call.
 */
package dev.grpcpool.bench.load;
