package dev.switchboard.jmh.lb;

import dev.switchboard.rpc.EndpointAttributes;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Drives any gRPC {@link LoadBalancer} (ours or gRPC's own) outside a channel, so that its picker
 * can be benchmarked alone: subchannels are stand-ins that become READY as soon as they are asked
 * to connect, and the harness keeps the latest picker. Not thread-safe while setting up; the
 * picker it yields is whatever the balancer promises.
 */
public final class BalancerHarness {
  private final SynchronizationContext syncContext = new SynchronizationContext((t, e) -> {
    throw new IllegalStateException(e);
  });
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "harness-timer");
        thread.setDaemon(true);
        return thread;
      });
  private static final ChannelLogger SILENT = new ChannelLogger() {
    @Override
    public void log(ChannelLogLevel level, String message) {}

    @Override
    public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
  };

  private final LoadBalancer balancer;
  private volatile LoadBalancer.SubchannelPicker picker;
  private volatile ConnectivityState state;

  /**
   * Creates policy {@code policy} with {@code config} over {@code endpoints} endpoints of weight
   * {@code weights[i]}.
   */
  public BalancerHarness(String policy, Map<String, ?> config, int[] weights) {
    LoadBalancerProvider provider = LoadBalancerRegistry.getDefaultRegistry().getProvider(policy);
    if (provider == null) {
      throw new IllegalArgumentException("no policy " + policy);
    }
    NameResolver.ConfigOrError parsed = provider.parseLoadBalancingPolicyConfig(config);
    if (parsed.getError() != null) {
      throw new IllegalArgumentException(parsed.getError().toString());
    }
    balancer = provider.newLoadBalancer(new Helper());
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      InetSocketAddress address = new InetSocketAddress(
          "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 50051);
      groups.add(new EquivalentAddressGroup(address, Attributes.newBuilder()
          .set(EndpointAttributes.WEIGHT, weights[i])
          .set(EndpointAttributes.STARTED_AT, Instant.EPOCH)
          .build()));
    }
    syncContext.execute(() -> balancer.acceptResolvedAddresses(
        LoadBalancer.ResolvedAddresses.newBuilder()
            .setAddresses(groups)
            .setLoadBalancingPolicyConfig(parsed.getConfig())
            .build()));
  }

  /** Returns the latest picker. */
  public LoadBalancer.SubchannelPicker picker() {
    return picker;
  }

  /** Returns the latest aggregate state. */
  public ConnectivityState state() {
    return state;
  }

  /** Picks once for each of {@code args}, running whatever connection work the picks asked for. */
  public void prime(List<LoadBalancer.PickSubchannelArgs> args) {
    for (int round = 0; round < 3; round++) {
      for (LoadBalancer.PickSubchannelArgs each : args) {
        picker.pickSubchannel(each);
      }
      syncContext.drain();
    }
  }

  public void shutdown() {
    syncContext.execute(balancer::shutdown);
    scheduler.shutdownNow();
  }

  /** Returns the index of the endpoint a harness subchannel stands for. */
  public static int indexOf(LoadBalancer.Subchannel subchannel) {
    byte[] ip = ((InetSocketAddress) subchannel.getAllAddresses().get(0).getAddresses().get(0))
        .getAddress().getAddress();
    return (ip[1] & 255) << 16 | (ip[2] & 255) << 8 | (ip[3] & 255);
  }

  /** Pick arguments for a unary call carrying {@code options}. */
  public static LoadBalancer.PickSubchannelArgs args(CallOptions options) {
    Metadata headers = new Metadata();
    return new LoadBalancer.PickSubchannelArgs() {
      @Override
      public CallOptions getCallOptions() {
        return options;
      }

      @Override
      public Metadata getHeaders() {
        return headers;
      }

      @Override
      public MethodDescriptor<?, ?> getMethodDescriptor() {
        return dev.switchboard.proto.helloworld.GreeterGrpc.getSayHelloMethod();
      }
    };
  }

  private final class Helper extends LoadBalancer.Helper {
    @Override
    public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
      return new StandInSubchannel(args);
    }

    @Override
    public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateBalancingState(ConnectivityState newState,
        LoadBalancer.SubchannelPicker newPicker) {
      state = newState;
      picker = newPicker;
    }

    @Override
    public String getAuthority() {
      return "bench.Service";
    }

    @Override
    public SynchronizationContext getSynchronizationContext() {
      return syncContext;
    }

    @Override
    public ScheduledExecutorService getScheduledExecutorService() {
      return scheduler;
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return SILENT;
    }

    @Override
    public void refreshNameResolution() {}

    @Override
    public String getChannelTarget() {
      return "bench:///bench.Service";
    }

    @Override
    public io.grpc.MetricRecorder getMetricRecorder() {
      return new io.grpc.MetricRecorder() {};
    }
  }

  private final class StandInSubchannel extends LoadBalancer.Subchannel {
    private final LoadBalancer.CreateSubchannelArgs args;
    private LoadBalancer.SubchannelStateListener listener;
    private boolean ready;

    StandInSubchannel(LoadBalancer.CreateSubchannelArgs args) {
      this.args = args;
    }

    @Override
    public void start(LoadBalancer.SubchannelStateListener listener) {
      this.listener = listener;
    }

    @Override
    public void shutdown() {}

    @Override
    public void requestConnection() {
      syncContext.execute(() -> {
        if (!ready && listener != null) {
          ready = true;
          listener.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.READY));
        }
      });
    }

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return args.getAddresses();
    }

    @Override
    public Attributes getAttributes() {
      return args.getAttributes();
    }

    @Override
    public void updateAddresses(List<EquivalentAddressGroup> addrs) {}

    @Override
    public Object getInternalSubchannel() {
      return this;
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return SILENT;
    }
  }
}
