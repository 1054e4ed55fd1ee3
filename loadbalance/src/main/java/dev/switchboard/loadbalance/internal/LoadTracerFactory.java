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
 * <p>Outcomes: a status in the failure codes is a failure; {@code CANCELLED} and
 * {@code DEADLINE_EXCEEDED} outside them say nothing about the server; every other status (the
 * server answered) is a success. Immutable.
 */
final class LoadTracerFactory extends ClientStreamTracer.Factory {

  /** Told when an endpoint's health changed (ejected or restored); called on a transport thread. */
  interface HealthListener {
    void changed(String endpoint, EndpointHealth.Change change, Status last);
  }

  private final String endpoint;
  private final EndpointLoad load;
  private final boolean counts;
  private final boolean timed;
  private final AtomicInteger total;
  private final int failureMask;
  private final HealthListener listener;

  /**
   * Measures calls to {@code endpoint}: counts them in flight if {@code counts}, times them if
   * {@code timed}, also counts into {@code total} unless it is null, and judges outcomes by
   * {@code failureMask} (bit {@code code.value()} set for each failure code; 0 to judge none).
   */
  LoadTracerFactory(String endpoint, EndpointLoad load, boolean counts, boolean timed,
      AtomicInteger total, int failureMask, HealthListener listener) {
    this.endpoint = endpoint;
    this.load = load;
    this.counts = counts || timed;
    this.timed = timed;
    this.total = total;
    this.failureMask = failureMask;
    this.listener = listener;
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
    return new Tracer();
  }

  // A stream can be closed without having been created (it failed first): count only what was.
  private final class Tracer extends ClientStreamTracer {
    private long start;
    private boolean created;

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
    }

    @Override
    public void streamClosed(Status status) {
      if (!created) {
        load.health().abandoned();
        return;
      }
      Status.Code code = status.getCode();
      boolean failed = (failureMask & (1 << code.value())) != 0;
      if (timed) {
        load.finished(start, failed);
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
        change = load.health().failed();
      } else if (code == Status.Code.CANCELLED || code == Status.Code.DEADLINE_EXCEEDED) {
        load.health().abandoned();
        change = EndpointHealth.Change.NONE;
      } else {
        change = load.health().succeeded();
      }
      if (change != EndpointHealth.Change.NONE) {
        listener.changed(endpoint, change, status);
      }
    }
  }
}
