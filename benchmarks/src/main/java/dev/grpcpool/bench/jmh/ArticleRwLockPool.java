package dev.grpcpool.bench.jmh;

import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The baseline of the pick-overhead suite: the channel pool as the well-known article writes it, kept as it
 * is so that its cost can be measured beside the project's pool.
 *
 * <p>A {@link ReentrantReadWriteLock} guards a {@code List<ManagedChannel>}; every pick takes the read lock and
 * advances one {@link AtomicInteger} shared by all callers, {@code Math.abs(counter.getAndIncrement() % size)};
 * replacing a channel (the article's health check) takes the write lock. Under contention every pick writes two shared cache lines (the
 * lock's reader count and the counter), which is what the benchmark shows. The article's health-check thread,
 * which takes the write lock to swap a broken channel, is left out: it is rare and not on the pick path.
 *
 * <p>This class is thread-safe, as in the article.
 */
public final class ArticleRwLockPool {

  private final List<ManagedChannel> channels;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicInteger counter = new AtomicInteger();

  /** Creates {@code size} channels from {@code factory}. */
  public ArticleRwLockPool(int size, Supplier<ManagedChannel> factory) {
    channels = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      channels.add(factory.get());
    }
  }

  /** The article's pick: read lock, shared counter, modulo. */
  public ManagedChannel getChannel() {
    lock.readLock().lock();
    try {
      int index = Math.abs(counter.getAndIncrement() % channels.size());
      return channels.get(index);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Every channel, for warm-up calls. */
  public List<ManagedChannel> channels() {
    lock.readLock().lock();
    try {
      return List.copyOf(channels);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Shuts every channel down and waits; {@code false} if one did not terminate within {@code timeoutMillis}. */
  public boolean shutdownAndAwait(long timeoutMillis) throws InterruptedException {
    lock.writeLock().lock();
    try {
      channels.forEach(ManagedChannel::shutdownNow);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      for (ManagedChannel c : channels) {
        if (!c.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          return false;
        }
      }
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
