package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.EndpointAttributes;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.registry.Watch;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the registry's snapshots of one service into gRPC resolution results. Each instance
 * becomes one {@link EquivalentAddressGroup} carrying {@link EndpointAttributes}; instances that
 * are {@link InstanceState#DRAINING} are left out so that no new call is sent to them.
 *
 * <p>gRPC calls {@link #start}, {@link #refresh} and {@link #shutdown} serially; snapshots arrive
 * on the registry's thread and are handed to the channel's synchronization context.
 */
public final class RegistryNameResolver extends NameResolver {
  private static final Logger logger = LoggerFactory.getLogger(RegistryNameResolver.class);

  private final RegistryTarget target;
  private final Registry registry;
  private final boolean ownsRegistry;
  private final SynchronizationContext syncContext;
  private Watch watch;
  private Listener2 listener;
  private boolean shutdown;

  /** Resolves {@code target} from {@code registry}, closing it on shutdown if it owns it. */
  public RegistryNameResolver(
      RegistryTarget target, Registry registry, boolean ownsRegistry, Args args) {
    this.target = target;
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    this.syncContext = args.getSynchronizationContext();
  }

  @Override
  public String getServiceAuthority() {
    return target.service();
  }

  @Override
  public void start(Listener2 listener) {
    if (this.listener != null) {
      throw new IllegalStateException("already started");
    }
    this.listener = listener;
    watch = registry.watch(target.service(), new RegistryListener() {
      @Override
      public void onSnapshot(List<ServiceInstance> instances) {
        List<EquivalentAddressGroup> groups = toAddressGroups(instances);
        syncContext.execute(() -> publish(groups));
      }

      @Override
      public void onError(Status error) {
        syncContext.execute(() -> {
          if (!shutdown) {
            listener.onError(error);
          }
        });
      }
    });
  }

  private void publish(List<EquivalentAddressGroup> groups) {
    if (shutdown) {
      return;
    }
    listener.onResult2(ResolutionResult.newBuilder()
        .setAddressesOrError(StatusOr.fromValue(groups))
        .build());
  }

  // Runs on the registry's thread: host names are looked up here, never in the sync context.
  private List<EquivalentAddressGroup> toAddressGroups(List<ServiceInstance> instances) {
    List<EquivalentAddressGroup> groups = new ArrayList<>(instances.size());
    for (ServiceInstance instance : instances) {
      if (instance.state() != InstanceState.SERVING) {
        continue;
      }
      InetSocketAddress address;
      try {
        address = new InetSocketAddress(InetAddress.getByName(instance.host()), instance.port());
      } catch (UnknownHostException e) {
        logger.warn("Skipping instance {} of {}: cannot resolve host '{}'",
            instance.instanceId(), target.service(), instance.host());
        continue;
      }
      Attributes attributes = Attributes.newBuilder()
          .set(EndpointAttributes.WEIGHT, instance.weight())
          .set(EndpointAttributes.ZONE, instance.zone())
          .set(EndpointAttributes.VERSION, instance.version())
          .set(EndpointAttributes.GROUP, instance.group())
          .set(EndpointAttributes.METADATA, instance.metadata())
          .set(EndpointAttributes.STARTED_AT, instance.startedAt())
          .set(EndpointAttributes.INSTANCE_ID, instance.instanceId())
          .build();
      groups.add(new EquivalentAddressGroup(address, attributes));
    }
    return List.copyOf(groups);
  }

  @Override
  public void refresh() {
    // The registry pushes every change; there is nothing to poll.
  }

  @Override
  public void shutdown() {
    if (shutdown) {
      return;
    }
    shutdown = true;
    if (watch != null) {
      watch.close();
    }
    if (ownsRegistry) {
      registry.close();
    }
  }
}
