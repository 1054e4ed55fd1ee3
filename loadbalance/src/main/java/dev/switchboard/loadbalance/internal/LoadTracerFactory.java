package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.EndpointLoad;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts an endpoint's calls in flight (and, if timed, their round trips) from stream creation to
 * stream close, the span during which the call occupies the endpoint. One factory per endpoint,
 * created with the picker; one small tracer per call.
 */
final class LoadTracerFactory extends ClientStreamTracer.Factory {
  private final EndpointLoad load;
  private final boolean timed;
  private final AtomicInteger total;

  /** Counts into {@code load}, timing calls if {@code timed}, and also into {@code total}. */
  LoadTracerFactory(EndpointLoad load, boolean timed, AtomicInteger total) {
    this.load = load;
    this.timed = timed;
    this.total = total;
  }

  LoadTracerFactory(EndpointLoad load, boolean timed) {
    this(load, timed, null);
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info,
      Metadata headers) {
    if (total != null) {
      return new Totalling(load, total);
    }
    return timed ? new Timed(load) : new Counting(load);
  }

  private static final class Totalling extends ClientStreamTracer {
    private final EndpointLoad load;
    private final AtomicInteger total;
    private boolean created;

    Totalling(EndpointLoad load, AtomicInteger total) {
      this.load = load;
      this.total = total;
    }

    @Override
    public void streamCreated(io.grpc.Attributes transportAttrs, Metadata headers) {
      created = true;
      load.increment();
      total.incrementAndGet();
    }

    @Override
    public void streamClosed(Status status) {
      if (created) {
        load.decrement();
        total.decrementAndGet();
      }
    }
  }

  // A stream can be closed without having been created (it failed first): count only what was.
  private static final class Counting extends ClientStreamTracer {
    private final EndpointLoad load;
    private boolean created;

    Counting(EndpointLoad load) {
      this.load = load;
    }

    @Override
    public void streamCreated(io.grpc.Attributes transportAttrs, Metadata headers) {
      created = true;
      load.increment();
    }

    @Override
    public void streamClosed(Status status) {
      if (created) {
        load.decrement();
      }
    }
  }

  private static final class Timed extends ClientStreamTracer {
    private final EndpointLoad load;
    private long start;
    private boolean created;

    Timed(EndpointLoad load) {
      this.load = load;
    }

    @Override
    public void streamCreated(io.grpc.Attributes transportAttrs, Metadata headers) {
      created = true;
      start = load.started();
    }

    @Override
    public void streamClosed(Status status) {
      if (created) {
        load.finished(start);
      }
    }
  }
}
