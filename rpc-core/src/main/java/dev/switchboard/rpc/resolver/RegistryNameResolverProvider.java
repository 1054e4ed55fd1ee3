package dev.switchboard.rpc.resolver;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.internal.RegistryNameResolver;
import dev.switchboard.rpc.internal.RegistryTarget;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProvider;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

/**
 * A gRPC {@link NameResolverProvider} that resolves {@code scheme://authority[/root...]/service}
 * targets by watching {@code service} in the registry at {@code scheme://authority[/root...]}.
 *
 * <p>Plain grpc-java users need nothing but the target:
 *
 * <pre>{@code
 * ManagedChannel channel = ManagedChannelBuilder
 *     .forTarget("zk://127.0.0.1:2181/helloworld.Greeter")
 *     .defaultLoadBalancingPolicy("switchboard_weighted_round_robin")
 *     .usePlaintext()
 *     .build();
 * }</pre>
 *
 * <p>Such a channel opens (and on shutdown closes) a registry connection of its own. To share one
 * registry between channels, pass it with {@link #REGISTRY}:
 * {@code builder.setNameResolverArg(RegistryNameResolverProvider.REGISTRY, registry)}; the
 * channel then borrows it and never closes it. {@code RpcClient} does this for its channels.
 *
 * <p>Each registry scheme has one subclass listed in
 * {@code META-INF/services/io.grpc.NameResolverProvider}. Thread-safe.
 */
public abstract class RegistryNameResolverProvider extends NameResolverProvider {

  /** A registry to use instead of opening one from the target; borrowed, never closed. */
  public static final NameResolver.Args.Key<Registry> REGISTRY =
      NameResolver.Args.Key.create("switchboard.registry");

  /** The channel's {@link Subsetting}: it connects to that many instances only; absent for all. */
  public static final NameResolver.Args.Key<Subsetting> SUBSETTING =
      NameResolver.Args.Key.create("switchboard.subsetting");

  /**
   * The channel's {@link dev.switchboard.rpc.ZoneAffinity}, passed on to its balancer with every
   * resolution result ({@link dev.switchboard.rpc.EndpointAttributes#ZONE_AFFINITY}); absent for
   * none.
   */
  public static final NameResolver.Args.Key<dev.switchboard.rpc.ZoneAffinity> ZONE_AFFINITY =
      NameResolver.Args.Key.create("switchboard.zoneAffinity");

  /**
   * Whether the channel speaks TLS, for channels that know (set by {@code RpcClient}): instances
   * that published the other mode are left out, and a service with none left fails
   * {@code UNAVAILABLE} naming them and the reason instead of failing handshakes.
   */
  public static final NameResolver.Args.Key<Boolean> CHANNEL_TLS =
      NameResolver.Args.Key.create("switchboard.channelTls");

  private final RegistryProvider registryProvider;

  /** Creates a resolver provider for the scheme of {@code registryProvider}. */
  protected RegistryNameResolverProvider(RegistryProvider registryProvider) {
    this.registryProvider = requireNonNull(registryProvider, "registryProvider");
  }

  @Override
  public String getDefaultScheme() {
    return registryProvider.scheme();
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!registryProvider.scheme().equalsIgnoreCase(targetUri.getScheme())) {
      return null;
    }
    RegistryTarget target = RegistryTarget.parse(targetUri);
    Registry shared = args.getArg(REGISTRY);
    if (shared != null) {
      return new RegistryNameResolver(target, shared, false, args);
    }
    return new RegistryNameResolver(
        target, registryProvider.newRegistry(target.registryUri()), true, args);
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }
}
