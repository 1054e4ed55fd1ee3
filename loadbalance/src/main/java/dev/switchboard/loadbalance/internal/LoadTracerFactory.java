package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.EndpointHealth;
import dev.switchboard.loadbalance.select.EndpointLoad;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures an endpoint's calls from stream creation to stream close, the span during which a call
 * occupies the endpoint: calls in flight (and, if timed, round trips) into its
 * {@link EndpointLoad}, and each call's outcome into its {@link EndpointHealth}. One factory per
 * endpoint, created with the picker; one small tracer per call, off the pick path.
 *
 * <p>Outcomes: a status in the failure codes is a failure if the server sent it (trailers
 * arrived) or it is {@code UNAVAILABLE} (the connection failed); one the client made itself (a
 * response over its size limit, say) says nothing about the server, nor do {@code CANCELLED} and
 * {@code DEADLINE_EXCEEDED} outside the failure codes; every other status (the server answered) is
 * a success. A call that did not succeed never lowers the latency average. Each factory records
 * the endpoint's health epoch when it is created (with the picker), so calls sent before the
 * endpoint's state last changed decide nothing (see {@link EndpointHealth#epoch()}).
 *
 * <p>Counts: every attempt whose stream was created ({@link AttemptCounter#started()}), and every
 * attempt after a call's first (a retry or a hedge, which gRPC marks with the
 * {@code grpc-previous-rpc-attempts} header; a transparent retry of a first attempt is not one)
 * that the server answered with OK ({@link AttemptCounter#retrySucceeded()}). A first attempt pays
 * one header lookup for that, and no allocation. Immutable.
 */
final class LoadTracerFactory extends ClientStreamTracer.Factory {

  /** Told when an endpoint's health changed (ejected or restored); called on a transport thread. */
  interface HealthListener {
    void changed(String endpoint, EndpointHealth.Change change, Status last);
  }

  /** Counts an endpoint's attempts; called on any thread. */
  interface AttemptCounter {
    /** An attempt's stream was created on the endpoint (a pick that became a call). */
    void started();

    /** An attempt after its call's first (a retry or a hedge) ended OK on the endpoint. */
    void retrySucceeded();
  }

  /** gRPC's mark on every attempt after a call's first (gRFC A6). */
  private static final Metadata.Key<String> PREVIOUS_ATTEMPTS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);

  private final String endpoint;
  private final EndpointLoad load;
  private final boolean counts;
  private final boolean timed;
  private final AtomicInteger total;
  private final int failureMask;
  private final HealthListener listener;
  private final AttemptCounter counter;
  private final int epoch;

  /**
   * Measures calls to {@code endpoint}: counts them in flight if {@code counts}, times them if
   * {@code timed}, also counts into {@code total} unless it is null, and judges outcomes by
   * {@code failureMask} (bit {@code code.value()} set for each failure code; 0 to judge none),
   * and tells {@code counter} of each call the endpoint receives (the pick counter) and of each
   * retry or hedge it answers with OK.
   */
  LoadTracerFactory(String endpoint, EndpointLoad load, boolean counts, boolean timed,
      AtomicInteger total, int failureMask, HealthListener listener, AttemptCounter counter) {
    this.endpoint = endpoint;
    this.load = load;
    this.counts = counts || timed;
    this.timed = timed;
    this.total = total;
    this.failureMask = failureMask;
    this.listener = listener;
    this.counter = counter;
    this.epoch = load.health().epoch();
  }

  /** Returns the mask of {@code codes} for the constructor. */
  static int mask(Iterable<Status.Code> codes) {
    int mask = 0;
    for (Status.Code code : codes) {
      mask |= 1 << code.value();
    }
    return mask;
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info,
      Metadata headers) {
    // The headers are the attempt's own (gRPC adds the mark per attempt); one lookup, no copy.
    return new Tracer(headers.containsKey(PREVIOUS_ATTEMPTS));
  }

  // A stream can be closed without having been created (it failed first): count only what was.
  private final class Tracer extends ClientStreamTracer {
    private final boolean retry;
    private long start;
    private boolean created;
    private volatile boolean trailers;

    Tracer(boolean retry) {
      this.retry = retry;
    }

    @Override
    public void streamCreated(io.grpc.Attributes transportAttrs, Metadata headers) {
      created = true;
      if (timed) {
        start = load.started();
      } else if (counts) {
        load.increment();
      }
      if (total != null) {
        total.incrementAndGet();
      }
      counter.started();
    }

    @Override
    public void inboundTrailers(Metadata metadata) {
      trailers = true;
    }

    @Override
    public void streamClosed(Status status) {
      if (!created) {
        load.health().abandoned(epoch);
        return;
      }
      Status.Code code = status.getCode();
      if (retry && code == Status.Code.OK) {
        counter.retrySucceeded();
      }
      boolean failureCode = (failureMask & (1 << code.value())) != 0;
      boolean failed = failureCode && (trailers || code == Status.Code.UNAVAILABLE);
      boolean succeeded = !failureCode && code != Status.Code.CANCELLED
          && code != Status.Code.DEADLINE_EXCEEDED;
      if (timed) {
        load.finished(start, !succeeded);
      } else if (counts) {
        load.decrement();
      }
      if (total != null) {
        total.decrementAndGet();
      }
      if (failureMask == 0) {
        return;
      }
      EndpointHealth.Change change;
      if (failed) {
        change = load.health().failed(epoch);
      } else if (succeeded) {
        change = load.health().succeeded(epoch);
      } else {
        load.health().abandoned(epoch);
        change = EndpointHealth.Change.NONE;
      }
      if (change != EndpointHealth.Change.NONE) {
        listener.changed(endpoint, change, status);
      }
    }
  }
}
