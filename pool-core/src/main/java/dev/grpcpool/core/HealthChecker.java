package dev.grpcpool.core;

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
public final class HealthChecker {

  /** Health of one channel. */
  public enum Health { HEALTHY, UNHEALTHY, UNKNOWN }

  private final String serviceName;
  private final long timeoutNanos;
  private final HealthCheckRequest request;

  HealthChecker(String serviceName, Duration timeout) {
    this.serviceName = serviceName;
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

  /**
   * Whether HEALTHY_FIRST may pick the channel: READY or IDLE, not failing its health check, not shut
   * down. A few volatile reads; no allocation.
   */
  boolean isPickable(PooledChannel pc) {
    ConnectivityState state = pc.state();
    if (state != ConnectivityState.READY && state != ConnectivityState.IDLE) {
      return false;
    }
    if (serviceName != null && pc.checkedHealth() == Health.UNHEALTHY) {
      return false;
    }
    // The cached state lags a shutdown() by one callback; the channel's own flag does not.
    return !pc.channel.isShutdown();
  }

  /** Starts a check of the channel unless one is running or no health service is configured. */
  void check(PooledChannel pc) {
    if (serviceName == null || !pc.checkRunning.compareAndSet(false, true)) {
      return;
    }
    try {
      HealthGrpc.newStub(pc.channel)
          .withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
          .check(request, new Observer(pc));
    } catch (RuntimeException e) {
      // A channel shut down under us rejects the call synchronously on some transports.
      pc.checkedHealth(Health.UNHEALTHY);
      pc.checkRunning.set(false);
    }
  }

  private static final class Observer implements StreamObserver<HealthCheckResponse> {
    private final PooledChannel pc;

    Observer(PooledChannel pc) {
      this.pc = pc;
    }

    @Override
    public void onNext(HealthCheckResponse response) {
      pc.checkedHealth(response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
          ? Health.HEALTHY : Health.UNHEALTHY);
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      pc.checkedHealth(status.getCode() == Status.Code.UNIMPLEMENTED ? Health.UNKNOWN : Health.UNHEALTHY);
      pc.checkRunning.set(false);
    }

    @Override
    public void onCompleted() {
      pc.checkRunning.set(false);
    }
  }
}
