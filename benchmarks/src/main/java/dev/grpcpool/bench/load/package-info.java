/**
 * The load generator behind {@code grpcpool load}: unary echo calls through a channel pool (or one channel) at a
 * fixed rate or with a fixed number of callers, every call recorded, the run judged, faults injected into an
 * embedded fleet, and a search for the highest rate a target serves within a latency objective.
 *
 * <h2>Open loop and coordinated omission</h2>
 * {@link dev.grpcpool.bench.load.LoadGenerator} in open-loop mode sends on a schedule ({@link
 * dev.grpcpool.bench.load.Arrivals}: evenly spaced or Poisson) whatever the server does. A closed-loop tool waits
 * for an answer before it sends again, so when the server stalls it simply stops asking, and the calls that real
 * users would have made during the stall never show up in its histogram ("coordinated omission"). Here each
 * call's latency is taken from its <em>intended</em> start: a call that had to wait (for a free slot under the cap
 * on calls in flight, or for the generator itself) carries that wait in its latency. The service time (from the
 * actual send) is recorded too, so both views can be compared.
 *
 * <h2>Back-pressure and the generator's own limits</h2>
 * An open loop has a cap on calls in flight ({@link dev.grpcpool.bench.load.LoadSpec#DEFAULT_MAX_IN_FLIGHT} unless
 * set), so an overloaded server meets back-pressure instead of an unbounded flood of streams. At the cap, the call
 * that ends sends the next due one from its own callback (as a closed loop does), so capping costs no thread
 * hand-off. A late send is charged to the target when it waited for a slot and to the generator when a slot was
 * free. The per-call deadline is enforced by one {@link dev.grpcpool.bench.load.DeadlineSweeper}, not by a timer
 * per call. An open loop ramps its rate up during the warm-up ({@link dev.grpcpool.bench.load.WarmUp}), which by
 * default lasts until the run holds steady.
 *
 * <h2>Counts that add up, and a verdict</h2>
 * {@link dev.grpcpool.bench.load.LoadRecorder} counts a call as measured when it is sent inside the measured window
 * and freezes its counts at the end, so that {@code sent = ok + failed + unfinished} holds in total, per status,
 * per channel, per backend and per second of intended start. {@link dev.grpcpool.bench.load.RunVerdict} judges the
 * run before anything is summarized (held; too many failures; the target did not keep up; the generator could not
 * keep its schedule; nothing succeeded), and {@code grpcpool load} exits with the verdict's code. No percentile is
 * reported when no call succeeded.
 *
 * <h2>Recording</h2>
 * Two HdrHistogram {@code Recorder}s (corrected and service time, microseconds, 3 significant digits) take every
 * measured call without sampling; their interval histograms are taken once a second of completion and become the
 * {@code latency.hlog} and {@code service-time.hlog} files and the run's totals. {@code timeline.csv} has one row
 * per second of <em>intended</em> start ({@link dev.grpcpool.bench.load.IntendedTimeline}), so a stall shows in the
 * second it happened, with the completion view beside it. Per-backend figures come from the backend id in each
 * answer (for a failed call, from the backend behind the channel that carried it); per-channel figures from
 * {@link dev.grpcpool.bench.load.ChannelLabels}.
 *
 * <h2>A pool that sizes itself, and rate steps</h2>
 * With {@link dev.grpcpool.bench.load.SelfSizing} the run's pool sizes itself between a least and a most size.
 * Whatever the pool, {@link dev.grpcpool.bench.load.PoolTimeline} reads its size and the calls that waited for a
 * stream as each second of the measurement closes (the pool's columns of {@code timeline.csv}), and {@code
 * PoolReport} adds up how it resized over the measurement. An open loop's rate may change in steps ({@link
 * dev.grpcpool.bench.load.LoadSpec.RateStep}, 0 for no calls), so one run shows a pool following the load up and
 * giving its channels back after it.
 *
 * <h2>Saturation search</h2>
 * {@link dev.grpcpool.bench.load.FindMax} steps the open-loop rate up from a closed-loop probe's estimate, then
 * bisects, and reports the highest rate whose run held and whose corrected latency met the objective.
 *
 * <h2>Threads</h2>
 * One scheduler thread (open loop), one ticker thread (warm-up, intervals, deadline sweeps), and gRPC's own
 * transport threads, on which the callbacks record and start the next call. No thread waits for a call.
 */
package dev.grpcpool.bench.load;
