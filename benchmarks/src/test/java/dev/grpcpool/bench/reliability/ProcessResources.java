package dev.grpcpool.bench.reliability;

import java.io.File;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a leak would leave behind in this JVM: live threads, open file descriptors ({@code /proc/self/fd}) and
 * direct buffer memory (the JDK's "direct" buffer pool plus Netty's own count of the direct memory it
 * allocates without a JDK buffer).
 *
 * <p>Thread-safe; every method reads the current value.
 */
final class ProcessResources {

  /**
   * gRPC's shared default executor: a cached thread pool whose idle threads live 60 s. It grows with the
   * peak number of concurrent callbacks, not with the number of pools, so it is not counted as a leak.
   */
  private static final String GRPC_SHARED_EXECUTOR = "grpc-default-executor";

  private ProcessResources() {}

  /** Names of live threads, without gRPC's shared default executor. */
  static List<String> threads() {
    Set<Thread> all = Thread.getAllStackTraces().keySet();
    return all.stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> !n.startsWith(GRPC_SHARED_EXECUTOR)).sorted().collect(Collectors.toList());
  }

  /** Open file descriptors of this process; -1 where {@code /proc/self/fd} does not exist. */
  static int openFileDescriptors() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /** Bytes of direct memory in use: JDK direct buffers plus Netty's untracked ("no cleaner") direct memory. */
  static long directMemory() {
    long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
    return jdk + Math.max(0, netty);
  }
}
