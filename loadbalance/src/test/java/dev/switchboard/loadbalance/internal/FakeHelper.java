package dev.switchboard.loadbalance.internal;

import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.ManagedChannel;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A channel helper for balancer unit tests, in the manner of grpc-java's own balancer tests: it
 * records, in order, every picker published and every subchannel shut down, and hands out
 * subchannels whose state the test sets. Not thread-safe beyond its synchronization context.
 */
final class FakeHelper extends LoadBalancer.Helper implements AutoCloseable {
  /** What happened, in order: "picker READY", "shutdown 127.0.0.1:1001"... */
  final List<String> events = new ArrayList<>();
  final List<FakeSubchannel> subchannels = new ArrayList<>();
  final SynchronizationContext syncContext = new SynchronizationContext((thread, error) -> {
    throw new AssertionError("uncaught in the synchronization context", error);
  });
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  volatile LoadBalancer.SubchannelPicker picker;
  volatile ConnectivityState state;

  static EquivalentAddressGroup address(int port, Attributes attributes) {
    return new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", port), attributes);
  }

  @Override
  public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
    FakeSubchannel subchannel = new FakeSubchannel(args);
    subchannels.add(subchannel);
    return subchannel;
  }

  @Override
  public void updateBalancingState(ConnectivityState newState,
      LoadBalancer.SubchannelPicker newPicker) {
    events.add("picker " + newState);
    state = newState;
    picker = newPicker;
  }

  @Override
  public SynchronizationContext getSynchronizationContext() {
    return syncContext;
  }

  @Override
  public ScheduledExecutorService getScheduledExecutorService() {
    return timer;
  }

  @Override
  public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String getAuthority() {
    return "test.Service";
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** A subchannel whose state the test drives. */
  final class FakeSubchannel extends LoadBalancer.Subchannel {
    private final LoadBalancer.CreateSubchannelArgs args;
    private LoadBalancer.SubchannelStateListener listener;
    boolean shutdown;

    FakeSubchannel(LoadBalancer.CreateSubchannelArgs args) {
      this.args = args;
    }

    String name() {
      InetSocketAddress address =
          (InetSocketAddress) args.getAddresses().get(0).getAddresses().get(0);
      return address.getHostString() + ":" + address.getPort();
    }

    /** Moves the subchannel to {@code newState}, as the channel would. */
    void become(ConnectivityState newState) {
      syncContext.execute(() -> listener.onSubchannelState(
          ConnectivityStateInfo.forNonError(newState)));
    }

    @Override
    public void start(LoadBalancer.SubchannelStateListener stateListener) {
      this.listener = stateListener;
    }

    @Override
    public void shutdown() {
      shutdown = true;
      events.add("shutdown " + name());
    }

    @Override
    public void requestConnection() {}

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return args.getAddresses();
    }

    @Override
    public Attributes getAttributes() {
      return args.getAttributes();
    }

    @Override
    public void updateAddresses(List<EquivalentAddressGroup> addresses) {}
  }
}
