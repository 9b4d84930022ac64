package dev.grpcpool.bench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grpcpool.core.sizing.PoolSizing;
import java.util.Locale;
import java.util.Objects;

/**
 * Presents {@link PoolSizing}'s answers: the rule of thumb; when a rate and a latency are known, Little's law;
 * when a backend count behind a layer-4 balancer is known, the balls-into-bins answer; as text that explains each rule or as one JSON object.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SizingReport {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final PoolSizing.Recommendation heuristic;
  private final PoolSizing.LittlesLaw littlesLaw;
  private final boolean coresFromMachine;
  private final PoolSizing.L4Spread l4;

  /**
   * @param heuristic the rule-of-thumb answer
   * @param littlesLaw the Little's-law answer, or {@code null} when no rate and latency were given
   * @param coresFromMachine whether the core count is this machine's rather than one the user chose
   * @param l4 the answer behind a layer-4 balancer, or {@code null} when no backend count was given
   */
  public SizingReport(PoolSizing.Recommendation heuristic, PoolSizing.LittlesLaw littlesLaw,
      boolean coresFromMachine, PoolSizing.L4Spread l4) {
    this.heuristic = Objects.requireNonNull(heuristic, "heuristic");
    this.littlesLaw = littlesLaw;
    this.coresFromMachine = coresFromMachine;
    this.l4 = l4;
  }

  /** The command-line name of a workload: {@code cpu}, {@code io} or {@code mixed}. */
  public static String workloadName(PoolSizing.Workload workload) {
    switch (workload) {
      case CPU_BOUND:
        return "cpu";
      case IO_BOUND:
        return "io";
      default:
        return "mixed";
    }
  }

  /** Human-readable text: each answer, the steps that produced it and the rule behind it. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append("Rule of thumb: ").append(heuristic.channels()).append(" channels for ")
        .append(workloadName(heuristic.workload())).append(" work")
        .append(heuristic.highConcurrency() ? " under high concurrency" : "")
        .append(" on ").append(heuristic.cores()).append(heuristic.cores() == 1 ? " core" : " cores")
        .append(coresFromMachine ? " (this machine)" : "").append('\n');
    out.append("  how:  ").append(heuristic.explanation()).append('\n');
    out.append("  rule: thread-pool thinking. CPU-bound = cores, I/O-bound = cores × 3, mixed = ⌊cores × 1.5⌋;\n")
        .append("        high concurrency × 1.3 rounded down; never below ").append(PoolSizing.MIN_CHANNELS)
        .append(" nor above cores × ").append(PoolSizing.MAX_CHANNELS_PER_CORE).append(".\n");
    if (littlesLaw != null) {
      out.append("Little's law: ").append(littlesLaw.channels())
          .append(littlesLaw.channels() == 1 ? " channel" : " channels").append(" for ")
          .append(number(littlesLaw.ratePerSecond())).append(" calls/s at ")
          .append(millis(littlesLaw)).append(" ms each\n");
      out.append("  how:  ").append(littlesLaw.explanation()).append('\n');
      out.append("  rule: calls in flight = rate × latency; channels = ⌈calls in flight ÷ streams per channel⌉,\n")
          .append("        aiming at ").append(PoolSizing.TARGET_STREAMS_LOW).append("–")
          .append(PoolSizing.TARGET_STREAMS_HIGH)
          .append(" concurrent streams per channel and never above the server's cap per connection.\n");
      out.append("The rule of thumb ignores load; Little's law sizes for it. ")
          .append("The PoolSize and SingleVsPooled benchmarks measure both on this machine.\n");
    } else {
      out.append("For a load-based answer add --rate <calls/s> --latency <duration> (Little's law).\n");
    }
    if (l4 != null) {
      out.append("Behind a layer-4 balancer: ").append(l4.channels())
          .append(l4.channels() == 1 ? " channel" : " channels").append(" for ").append(l4.backends())
          .append(l4.backends() == 1 ? " backend" : " backends").append('\n');
      out.append("  how:  ").append(l4.explanation()).append('\n');
      out.append("  rule: the fewest channels whose connections, each landing on a random backend, reach ")
          .append(PoolSizing.L4_TARGET_REACH_PERCENT).append(" % of the backends\n")
          .append("        on average; pick LEAST_IN_FLIGHT, since round robin is held to the busiest backend.\n");
    } else {
      out.append("Behind a Kubernetes service or a network load balancer add --l4-backends <count>.\n");
    }
    return out.toString();
  }

  /**
   * One JSON object: {@code workload}, {@code highConcurrency}, {@code cores}, {@code coresFromMachine},
   * {@code recommended}, {@code explanation}, and with Little's law also {@code ratePerSecond},
   * {@code latencyMillis}, {@code streamsPerChannel}, {@code maxStreamsPerConnection}, {@code concurrency},
   * {@code littlesLawRecommended} and {@code littlesLawExplanation}, and behind a layer-4 balancer
   * {@code l4Backends}, {@code l4Recommended}, {@code l4LeastLoadedShare}, {@code l4RoundRobinShare} and
   * {@code l4Explanation}.
   */
  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("workload", workloadName(heuristic.workload()));
    node.put("highConcurrency", heuristic.highConcurrency());
    node.put("cores", heuristic.cores());
    node.put("coresFromMachine", coresFromMachine);
    node.put("recommended", heuristic.channels());
    node.put("explanation", heuristic.explanation());
    if (littlesLaw != null) {
      node.put("ratePerSecond", littlesLaw.ratePerSecond());
      node.put("latencyMillis", littlesLaw.latency().toNanos() / 1e6);
      node.put("streamsPerChannel", littlesLaw.streamsPerChannel());
      node.put("maxStreamsPerConnection", littlesLaw.maxStreamsPerConnection());
      node.put("concurrency", littlesLaw.concurrency());
      node.put("littlesLawRecommended", littlesLaw.channels());
      node.put("littlesLawExplanation", littlesLaw.explanation());
    }
    if (l4 != null) {
      node.put("l4Backends", l4.backends());
      node.put("l4Recommended", l4.channels());
      node.put("l4LeastLoadedShare", l4.leastLoadedShare());
      node.put("l4RoundRobinShare", l4.roundRobinShare());
      node.put("l4Explanation", l4.explanation());
    }
    try {
      return JSON.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values always serializes", e);
    }
  }

  private static String millis(PoolSizing.LittlesLaw l) {
    return number(l.latency().toNanos() / 1e6);
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
  }
}
