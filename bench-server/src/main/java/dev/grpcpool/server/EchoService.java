package dev.grpcpool.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.grpcpool.server.proto.EchoGrpc;
import dev.grpcpool.server.proto.EchoRequest;
import dev.grpcpool.server.proto.EchoResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The echo service: answers with the request's payload (or a payload of the requested size) and the backend
 * id, after the request's simulated work, or the backend's default work when the request names none.
 *
 * <p>CPU work spins on the handling thread; I/O work holds no thread: the answer is scheduled on a timer and
 * sent from there. Streaming answers are serialised per call, because the timer and the call's own thread may
 * both want to send.
 *
 * <p>This class is thread-safe.
 */
final class EchoService extends EchoGrpc.EchoImplBase {

  /** Answers of up to 1 MiB are slices of one shared buffer of zeros; larger ones are allocated per call. */
  private static final ByteString ZEROS = UnsafeByteOperations.unsafeWrap(new byte[1 << 20]);

  private final BackendState state;
  private final ScheduledExecutorService timer;
  /** The backend's worker limit, or null when work runs as soon as it arrives. */
  private final Workers workers;

  EchoService(BackendState state, ScheduledExecutorService timer, Workers workers) {
    this.state = state;
    this.timer = timer;
    this.workers = workers;
  }

  @Override
  public void unary(EchoRequest request, StreamObserver<EchoResponse> responses) {
    if (refused(request, responses)) {
      return;
    }
    EchoResponse answer = answer(request);
    work(request, responses, () -> {
      responses.onNext(answer);
      responses.onCompleted();
    });
  }

  @Override
  public void serverStream(EchoRequest request, StreamObserver<EchoResponse> responses) {
    ServerCallStreamObserver<EchoResponse> call = (ServerCallStreamObserver<EchoResponse>) responses;
    if (refused(request, responses)) {
      return;
    }
    StreamSender sender = new StreamSender(call, answer(request), Math.max(1, request.getStreamMessages()));
    call.setOnCancelHandler(sender::cancel);
    call.setOnReadyHandler(sender::drain);
    work(request, responses, sender::start);
  }

  @Override
  public StreamObserver<EchoRequest> clientStream(StreamObserver<EchoResponse> responses) {
    ((ServerCallStreamObserver<EchoResponse>) responses).setOnCancelHandler(() -> { });
    return new StreamObserver<EchoRequest>() {
      private EchoRequest last = EchoRequest.getDefaultInstance();
      private boolean failed;

      @Override
      public void onNext(EchoRequest request) {
        if (!failed) {
          failed = refused(request, responses);
          last = request;
        }
      }

      @Override
      public void onError(Throwable t) {
        failed = true;
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        // The call's work is the last request's: one answer, one unit of simulated service time.
        EchoResponse answer = answer(last);
        work(last, responses, () -> {
          responses.onNext(answer);
          responses.onCompleted();
        });
      }
    };
  }

  @Override
  public StreamObserver<EchoRequest> bidi(StreamObserver<EchoResponse> responses) {
    BidiResponder responder = new BidiResponder(responses);
    ((ServerCallStreamObserver<EchoResponse>) responses).setOnCancelHandler(responder::cancel);
    return new StreamObserver<EchoRequest>() {
      @Override
      public void onNext(EchoRequest request) {
        Status refusal = refusal(request);
        if (refusal != null) {
          responder.fail(refusal);
          return;
        }
        responder.expectOne();
        EchoResponse answer = answer(request);
        work(request, responses, () -> responder.send(answer));
      }

      @Override
      public void onError(Throwable t) {
        responder.cancel();
      }

      @Override
      public void onCompleted() {
        responder.halfClosed();
      }
    };
  }

  // ---------------------------------------------------------------------------------------------------------

  /** INVALID_ARGUMENT for a request that cannot be served, else the status it asks to fail with, else null. */
  private static Status refusal(EchoRequest request) {
    Status refusal = RequestCheck.refusal(request);
    if (refusal == null && request.getFailWithCode() != 0) {
      refusal = Status.fromCodeValue(request.getFailWithCode())
          .withDescription("failure requested by fail_with_code");
    }
    return refusal;
  }

  private static boolean refused(EchoRequest request, StreamObserver<EchoResponse> responses) {
    Status refusal = refusal(request);
    if (refusal != null) {
      responses.onError(refusal.asRuntimeException());
      return true;
    }
    return false;
  }

  /** Spins the call's CPU work on this thread and returns the wait, in nanoseconds, still to come. */
  private long spinThenWaitNanos(EchoRequest request) {
    long cpuMicros = request.getCpuMicros();
    long ioMicros = request.getIoMicros();
    if (cpuMicros == 0 && ioMicros == 0) {
      WorkProfile work = state.defaultWork();
      cpuMicros = work.cpuMicros();
      ioMicros = work.ioMicros();
    }
    CpuSpin.spin(TimeUnit.MICROSECONDS.toNanos(cpuMicros));
    return TimeUnit.MICROSECONDS.toNanos(ioMicros) + state.slowDownNanos();
  }

  /**
   * Runs the request's simulated work, then {@code send}; with a worker limit, first waits for a worker, which
   * is released once {@code send} has run (or could not be scheduled).
   */
  private void work(EchoRequest request, StreamObserver<EchoResponse> responses, Runnable send) {
    Workers w = workers;
    if (w == null) {
      after(spinThenWaitNanos(request), responses, send, () -> { });
      return;
    }
    w.run(() -> after(spinThenWaitNanos(request), responses, () -> {
      try {
        send.run();
      } finally {
        w.release();
      }
    }, w::release));
  }

  private void after(long nanos, StreamObserver<EchoResponse> responses, Runnable send, Runnable dropped) {
    if (nanos <= 0) {
      send.run();
      return;
    }
    try {
      timer.schedule(send, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Only while the server closes: its calls are being cancelled anyway.
      dropped.run();
      responses.onError(Status.UNAVAILABLE.withDescription("server is closing").asRuntimeException());
    }
  }

  private EchoResponse answer(EchoRequest request) {
    ByteString payload = request.getResponseSize() > 0 ? zeros(request.getResponseSize()) : request.getPayload();
    EchoResponse.Builder b = EchoResponse.newBuilder().setPayload(payload).setBackendId(state.backendId());
    if (request.getWantServerTime()) {
      b.setServerTimeMicros(WallClock.epochMicros());
    }
    return b.build();
  }

  private static ByteString zeros(int size) {
    return size <= ZEROS.size() ? ZEROS.substring(0, size) : UnsafeByteOperations.unsafeWrap(new byte[size]);
  }

  // ---------------------------------------------------------------------------------------------------------

  /** Sends a server stream's answers as fast as the client's flow control allows, once the work is done. */
  private static final class StreamSender {
    private final ServerCallStreamObserver<EchoResponse> call;
    private final EchoResponse answer;
    private final int count;
    private int sent;
    private boolean started;
    private boolean finished;

    StreamSender(ServerCallStreamObserver<EchoResponse> call, EchoResponse answer, int count) {
      this.call = call;
      this.answer = answer;
      this.count = count;
    }

    synchronized void start() {
      started = true;
      drain();
    }

    synchronized void cancel() {
      finished = true;
    }

    synchronized void drain() {
      if (!started || finished) {
        return;
      }
      while (sent < count && call.isReady()) {
        call.onNext(answer);
        sent++;
      }
      if (sent == count) {
        finished = true;
        call.onCompleted();
      }
    }
  }

  /** One answer per request, in completion order; completes the call once half-closed and all answered. */
  private static final class BidiResponder {
    private final StreamObserver<EchoResponse> responses;
    private int pending;
    private boolean halfClosed;
    private boolean finished;

    BidiResponder(StreamObserver<EchoResponse> responses) {
      this.responses = responses;
    }

    synchronized void expectOne() {
      pending++;
    }

    synchronized void send(EchoResponse answer) {
      pending--;
      if (!finished) {
        responses.onNext(answer);
        completeIfDone();
      }
    }

    synchronized void halfClosed() {
      halfClosed = true;
      completeIfDone();
    }

    synchronized void fail(Status status) {
      if (!finished) {
        finished = true;
        responses.onError(status.asRuntimeException());
      }
    }

    synchronized void cancel() {
      finished = true;
    }

    private void completeIfDone() {
      if (halfClosed && pending == 0 && !finished) {
        finished = true;
        responses.onCompleted();
      }
    }
  }
}
