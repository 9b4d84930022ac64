package dev.grpcpool.bench;

import dev.grpcpool.bench.jmh.ArticleRwLockPool;
import dev.grpcpool.bench.jmh.Fixtures;
import dev.grpcpool.core.ChannelPool;
import dev.grpcpool.core.InternalChannelPool;
import dev.grpcpool.core.PickStrategy;
import dev.grpcpool.core.PoolConfig;
import dev.grpcpool.server.BenchServer;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does choosing a channel cost? Each {@link PickStrategy}'s choice ({@link InternalChannelPool#picker}) beside two
 * baselines that are not pool strategies: the well-known article's pool ({@value #ARTICLE_RWLOCK}: a read-write
 * lock around a list and a shared counter, see {@link ArticleRwLockPool}) and no choice at all
 * ({@value #FIXED_CHANNEL}), at 1 and at 2 threads calling at once.
 *
 * <p>How to read it: the score is nanoseconds per pick (lower is better); compare strategies within one run.
 * At one thread every pick is cheap, the lock included: nothing contends. At two threads the article's read
 * lock and shared counter bounce between cores and cost far more, while the pool's picks stay in the few
 * nanoseconds. With {@code -prof gc}, {@code gc.alloc.rate.norm} must be about 0 B/op for every strategy.
 * The pool has four channels to an in-process server, each made READY by one call before measuring, so the
 * strategies that look at state and calls in flight see real values; no call is made while measuring.
 *
 * <p>Time budget (default settings): 6 variants × 2 methods = 12 trials, each 1 fork × (3 warm-up + 5
 * measurement iterations) × 1 s = 8 s, plus about 2 s to start the fork: about 2 minutes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class PickOverheadBenchmark {

  /**
   * Baseline: no choice at all, the same channel every time. What the harness and the indirection cost, so
   * that a strategy's own cost is its score minus this one.
   */
  public static final String FIXED_CHANNEL = "FIXED_CHANNEL";
  /** Baseline: the article's read-write-lock pool ({@link ArticleRwLockPool}). */
  public static final String ARTICLE_RWLOCK = "ARTICLE_RWLOCK";

  /*
   * The pick under test: one of the two baselines, or the name of a PickStrategy. A String rather than an enum
   * of all six, so that the pool's strategies keep their one vocabulary (PickStrategy) and the baselines are
   * not mistaken for strategies; the values are those that stored results and the CI gate name.
   */
  @Param({FIXED_CHANNEL, ARTICLE_RWLOCK, "ROUND_ROBIN", "HEALTHY_FIRST", "LEAST_IN_FLIGHT", "POWER_OF_TWO_CHOICES"})
  public String strategy;

  @Param({"4"})
  public int poolSize;

  private BenchServer server;
  private ChannelPool pool;
  private ArticleRwLockPool article;
  private ManagedChannel fixed;
  /*
   * One indirection for every variant. Only one implementation is ever created in a forked JVM, so the call
   * is monomorphic and inlined; the baseline and the pool pay the same for it.
   */
  private Supplier<Object> picker;

  @Setup(Level.Trial)
  public void setUp() {
    String name = Fixtures.inProcessName("pick");
    server = BenchServer.inProcess(name).start();
    if (strategy.equals(FIXED_CHANNEL)) {
      ManagedChannel only = InProcessChannelBuilder.forName(name).build();
      fixed = only;
      Fixtures.warmUp(only);
      picker = () -> only;
    } else if (strategy.equals(ARTICLE_RWLOCK)) {
      article = new ArticleRwLockPool(poolSize, () -> InProcessChannelBuilder.forName(name).build());
      article.channels().forEach(Fixtures::warmUp);
      picker = article::getChannel;
    } else {
      pool = ChannelPool.create(PoolConfig.builder(name)
          .size(poolSize)
          .pickStrategy(pickStrategy(strategy))
          .channelBuilderFactory(InProcessChannelBuilder::forName)
          .build());
      Fixtures.warmUpEachChannel(pool);
      picker = InternalChannelPool.picker(pool);
    }
  }

  /** The pool strategy named {@code name}; a name that is neither a baseline nor a strategy is refused. */
  private static PickStrategy pickStrategy(String name) {
    try {
      return PickStrategy.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("strategy must be " + FIXED_CHANNEL + ", " + ARTICLE_RWLOCK
          + " or one of " + Arrays.toString(PickStrategy.values()) + ", was " + name, e);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    try {
      if (article != null && !article.shutdownAndAwait(Fixtures.TERMINATION.toMillis())) {
        throw new IllegalStateException("article pool channels did not terminate");
      }
      Fixtures.close(fixed);
      Fixtures.close(pool);
    } finally {
      server.close();
    }
  }

  /*
   * The pick's result is returned, so JMH consumes it and the pick cannot be optimized away
   * (JMHSample_08_DeadCode). No call is made on it: the suite measures the choice, not the call.
   */

  /** One thread picking: the uncontended cost. */
  @Benchmark
  @Threads(1)
  public Object pick1Thread() {
    return picker.get();
  }

  /** Two threads picking at once: the cost under contention on shared state. */
  @Benchmark
  @Threads(2)
  public Object pick2Threads() {
    return picker.get();
  }

  /*
   * How to run:
   *   java -jar benchmarks/target/benchmarks.jar PickOverhead
   *   java -jar benchmarks/target/benchmarks.jar PickOverhead -prof gc        (allocation per pick)
   *   java -jar benchmarks/target/benchmarks.jar PickOverhead -p strategy=ROUND_ROBIN,ARTICLE_RWLOCK
   *
   * What to expect: ROUND_ROBIN within about 5 ns/op at 2 threads and at least 10 times cheaper than
   * ARTICLE_RWLOCK in the same run (on a 2-core machine the lock costs in the order of 100-200 ns/op at
   * 2 threads); HEALTHY_FIRST close to ROUND_ROBIN while every channel is READY; LEAST_IN_FLIGHT grows with
   * the pool size (it reads every channel's counter); POWER_OF_TWO_CHOICES reads two. gc.alloc.rate.norm
   * about 0 B/op for the pool's strategies. At 2 threads on a 2-core machine that also runs other work the
   * figures are noisy: compare ratios within one run, not absolute numbers across machines.
   */
}
