package dev.grpcpool.core;

import dev.grpcpool.core.PoolStats.Health;
import io.grpc.ConnectivityState;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether each pooled channel is healthy: from its connectivity state alone, or, when a health
 * service name is configured, also from a grpc.health.v1 {@code Check} with a deadline.
 *
 * <p>Checks are asynchronous (no thread waits on a check) and at most one runs per channel at a time. A
 * channel in TRANSIENT_FAILURE or SHUTDOWN is UNHEALTHY whatever its last check said. Without a health
 * service, READY is HEALTHY and IDLE/CONNECTING are UNKNOWN. With one, a channel is UNKNOWN until its first
 * check answers; SERVING makes it HEALTHY, any other answer or a failed call UNHEALTHY, except UNIMPLEMENTED
 * (the server has no health service), which leaves it UNKNOWN.
 *
 * <p>This class is thread-safe.
 */
final class HealthChecker {

  private final String serviceName;
  private final long timeoutNanos;
  private final HealthCheckRequest request;
  /** Told when a check's answer changes a channel's health, so the pick snapshot is rebuilt. */
  private final Runnable onHealthChange;

  HealthChecker(String serviceName, Duration timeout, Runnable onHealthChange) {
    this.serviceName = serviceName;
    this.onHealthChange = onHealthChange;
    this.timeoutNanos = timeout.toNanos();
    this.request = serviceName == null ? null : HealthCheckRequest.newBuilder().setService(serviceName).build();
  }

  /** Whether grpc.health.v1 checks run at all (a health service name is configured). */
  boolean usesHealthService() {
    return serviceName != null;
  }

  /** The channel's health now, from its cached state and its last check. */
  Health healthOf(PooledChannel pc) {
    ConnectivityState state = pc.state();
    if (state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.SHUTDOWN) {
      return Health.UNHEALTHY;
    }
    if (serviceName == null) {
      return state == ConnectivityState.READY ? Health.HEALTHY : Health.UNKNOWN;
    }
    return pc.checkedHealth();
  }

  /** Starts a check of the channel unless one is running or no health service is configured. */
  void check(PooledChannel pc) {
    if (serviceName == null || !pc.checkRunning.compareAndSet(false, true)) {
      return;
    }
    try {
      HealthGrpc.newStub(pc.channel)
          .withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
          .check(request, new Observer(pc, this));
    } catch (RuntimeException e) {
      // A channel shut down under us rejects the call synchronously on some transports.
      record(pc, Health.UNHEALTHY);
      pc.checkRunning.set(false);
    }
  }

  private void record(PooledChannel pc, Health health) {
    if (pc.checkedHealth(health)) {
      onHealthChange.run();
    }
  }

  private static final class Observer implements StreamObserver<HealthCheckResponse> {
    private final PooledChannel pc;
    private final HealthChecker checker;

    Observer(PooledChannel pc, HealthChecker checker) {
      this.pc = pc;
      this.checker = checker;
    }

    @Override
    public void onNext(HealthCheckResponse response) {
      checker.record(pc, response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
          ? Health.HEALTHY : Health.UNHEALTHY);
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      checker.record(pc, status.getCode() == Status.Code.UNIMPLEMENTED ? Health.UNKNOWN : Health.UNHEALTHY);
      pc.checkRunning.set(false);
    }

    @Override
    public void onCompleted() {
      pc.checkRunning.set(false);
    }
  }
}
