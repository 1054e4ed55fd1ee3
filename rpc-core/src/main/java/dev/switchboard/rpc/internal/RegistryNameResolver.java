package dev.switchboard.rpc.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the registry's snapshots of one service into gRPC resolution results. Each instance
 * becomes one {@link EquivalentAddressGroup} carrying {@link EndpointAttributes}; instances that
 * are {@link InstanceState#DRAINING} are left out so that no new call is sent to them.
 *
 * <p><b>Addresses.</b> A host that is an IP literal (dotted-quad IPv4, or IPv6 with or without
 * brackets) is parsed, never looked up. A host name is looked up off the registry's thread, on
 * the channel's offload executor ({@link Args#getOffloadExecutor()}) or, when the channel has
 * none, on a thread of the resolver's own; its address is cached per host (at most
 * {@value #MAX_CACHED_HOSTS} hosts), so later snapshots need no look-up, and {@link #refresh()}
 * looks every host name of the latest snapshot up again. A failed look-up keeps the host's last
 * good address. An instance with no address at all is skipped with a warning, except that a
 * failure to resolve never empties a list that was not empty: the previously published addresses
 * then stay. (The registry's mass-drop protection has already run; a DNS hiccup must not undo
 * it.)
 *
 * <p><b>Order.</b> Results are published in the channel's synchronization context, in snapshot
 * order: a result overtaken by a newer snapshot's result (its look-ups took longer) is dropped,
 * never published after it. A result equal to the published one is not published again.
 *
 * <p>Thread-safe: gRPC calls {@link #start}, {@link #refresh} and {@link #shutdown} serially;
 * snapshots arrive on the registry's thread; look-ups run on the look-up executor; what was
 * published is confined to the synchronization context.
 */
public final class RegistryNameResolver extends NameResolver {
  /** The most host names whose last good address is kept. */
  static final int MAX_CACHED_HOSTS = 4_096;

  private static final Logger logger = LoggerFactory.getLogger(RegistryNameResolver.class);
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  // Hex digits, colons, an embedded IPv4 tail and an optional scope (%eth0, %3).
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[\\w.\\-]+)?");

  /** Looks a host name up; {@link InetAddress#getByName} unless a test says otherwise. */
  @FunctionalInterface
  interface HostLookup {
    InetAddress lookUp(String host) throws UnknownHostException;
  }

  private final RegistryTarget target;
  private final Registry registry;
  private final boolean ownsRegistry;
  private final SynchronizationContext syncContext;
  private final Boolean channelTls; // null when the channel did not say
  // what every result carries for the balancer: the caller's zone affinity, if any
  private final Attributes resultAttributes;
  private final dev.switchboard.rpc.resolver.Subsetting subsetting; // null: every instance
  private final java.util.Set<String> warnedMismatch = new java.util.HashSet<>();
  private final HostLookup dns;
  private final Executor lookups;
  private final ExecutorService ownLookups; // null when the channel lends its offload executor
  private final Cache<String, InetAddress> lastGood =
      Caffeine.newBuilder().maximumSize(MAX_CACHED_HOSTS).build();
  private volatile boolean shutdown;
  // Guarded by this: pairs each snapshot with its place in the order.
  private List<ServiceInstance> latest;
  private long sequence;
  // Synchronization context only.
  private Watch watch;
  private Listener2 listener;
  private long publishedSequence;
  private List<EquivalentAddressGroup> published;
  private Map<String, InetSocketAddress> publishedByInstance = Map.of();

  /** Resolves {@code target} from {@code registry}, closing it on shutdown if it owns it. */
  public RegistryNameResolver(
      RegistryTarget target, Registry registry, boolean ownsRegistry, Args args) {
    this(target, registry, ownsRegistry, args, InetAddress::getByName);
  }

  /** As the public constructor, looking host names up with {@code dns}. */
  RegistryNameResolver(RegistryTarget target, Registry registry, boolean ownsRegistry, Args args,
      HostLookup dns) {
    this.target = target;
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    this.syncContext = args.getSynchronizationContext();
    this.channelTls = args.getArg(dev.switchboard.rpc.resolver.RegistryNameResolverProvider
        .CHANNEL_TLS);
    dev.switchboard.rpc.ZoneAffinity affinity = args.getArg(
        dev.switchboard.rpc.resolver.RegistryNameResolverProvider.ZONE_AFFINITY);
    this.subsetting = args.getArg(
        dev.switchboard.rpc.resolver.RegistryNameResolverProvider.SUBSETTING);
    this.resultAttributes = affinity == null ? Attributes.EMPTY : Attributes.newBuilder()
        .set(dev.switchboard.rpc.EndpointAttributes.ZONE_AFFINITY, affinity).build();
    this.dns = dns;
    Executor offload = args.getOffloadExecutor();
    if (offload != null) {
      this.lookups = offload;
      this.ownLookups = null;
    } else {
      ThreadPoolExecutor own = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "switchboard-resolver-" + target.service());
            thread.setDaemon(true);
            return thread;
          });
      own.allowCoreThreadTimeOut(true); // no idle thread per channel
      this.lookups = own;
      this.ownLookups = own;
    }
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
        long order;
        synchronized (RegistryNameResolver.this) {
          latest = instances;
          order = ++sequence;
        }
        resolve(order, instances, false);
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

  /** Looks every host name of the latest snapshot up again and publishes what changed. */
  @Override
  public void refresh() {
    List<ServiceInstance> instances;
    long order;
    synchronized (this) {
      if (latest == null) {
        return;
      }
      instances = latest;
      order = ++sequence;
    }
    resolve(order, instances, true);
  }

  // On the registry's thread (or gRPC's, for a refresh): literals and cached names are settled
  // here; names to look up go to the look-up executor; the result goes to the sync context.
  private void resolve(long order, List<ServiceInstance> instances, boolean lookUpAgain) {
    Map<String, InetAddress> addresses = new HashMap<>();
    Map<String, String> failures = new HashMap<>();
    Set<String> names = new LinkedHashSet<>();
    for (ServiceInstance instance : instances) {
      String host = instance.host();
      if (instance.state() != InstanceState.SERVING || addresses.containsKey(host)
          || failures.containsKey(host) || names.contains(host)) {
        continue;
      }
      InetAddress literal;
      try {
        literal = parseLiteral(host);
      } catch (UnknownHostException e) {
        failures.put(host, e.getMessage());
        continue;
      }
      InetAddress cached = literal != null || lookUpAgain ? null : lastGood.getIfPresent(host);
      if (literal != null || cached != null) {
        addresses.put(host, literal != null ? literal : cached);
      } else {
        names.add(host);
      }
    }
    if (names.isEmpty()) {
      syncContext.execute(() -> publish(order, instances, addresses, failures));
      return;
    }
    try {
      lookups.execute(() -> {
        lookUp(names, addresses, failures);
        syncContext.execute(() -> publish(order, instances, addresses, failures));
      });
    } catch (RejectedExecutionException e) {
      if (!shutdown) {
        logger.warn("Cannot look up the hosts of {}: the look-up executor refused the work",
            target.service(), e);
      }
    }
  }

  // On the look-up executor: blocking DNS.
  private void lookUp(Set<String> names, Map<String, InetAddress> addresses,
      Map<String, String> failures) {
    for (String host : names) {
      try {
        InetAddress address = dns.lookUp(host);
        lastGood.put(host, address);
        addresses.put(host, address);
      } catch (UnknownHostException | RuntimeException e) {
        InetAddress previous = lastGood.getIfPresent(host);
        if (previous != null) {
          logger.warn("Cannot resolve host '{}' of {} ({}); keeping its last address {}", host,
              target.service(), e.getMessage(), previous.getHostAddress());
          addresses.put(host, previous);
        } else {
          failures.put(host, String.valueOf(e.getMessage()));
        }
      }
    }
  }

  // In the sync context.
  private void publish(long order, List<ServiceInstance> instances,
      Map<String, InetAddress> addresses, Map<String, String> failures) {
    if (shutdown || order < publishedSequence) {
      return; // a newer snapshot has been published already
    }
    publishedSequence = order;
    if (subsetting != null) {
      // the subset is drawn from the instances this channel could use: SERVING, its transport
      instances = subsetting.select(instances, instance -> instance.state() == InstanceState.SERVING
          && (channelTls == null || instance.tls() == channelTls));
    }
    List<EquivalentAddressGroup> groups = new ArrayList<>(instances.size());
    Map<String, InetSocketAddress> byInstance = new HashMap<>();
    List<String> skipped = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    for (ServiceInstance instance : instances) {
      if (instance.state() != InstanceState.SERVING) {
        continue;
      }
      if (channelTls != null && instance.tls() != channelTls) {
        mismatched.add(instance.instanceId() + " at " + instance.host() + ":" + instance.port()
            + (instance.tls() ? " serves TLS and this channel is plaintext (configure"
                + " RpcClient.Builder.tls)" : " serves plaintext and this channel speaks TLS"));
        continue;
      }
      InetAddress resolved = addresses.get(instance.host());
      InetSocketAddress address = resolved != null
          ? new InetSocketAddress(resolved, instance.port())
          : publishedByInstance.get(instance.instanceId());
      if (address == null) {
        skipped.add(instance.instanceId() + " (host '" + instance.host() + "': "
            + failures.get(instance.host()) + ")");
        continue;
      }
      if (resolved == null) {
        logger.warn("Cannot resolve host '{}' of instance {} of {}; keeping its previous address"
            + " {}", instance.host(), instance.instanceId(), target.service(), address);
      }
      groups.add(new EquivalentAddressGroup(address, attributes(instance,
          Boolean.TRUE.equals(channelTls))));
      byInstance.put(instance.instanceId(), address);
    }
    for (String mismatch : mismatched) {
      if (warnedMismatch.add(mismatch)) {
        logger.warn("Leaving out instance {} of {}", mismatch, target.service());
      }
    }
    if (groups.isEmpty() && !mismatched.isEmpty() && skipped.isEmpty()) {
      published = List.of();
      publishedByInstance = Map.of();
      listener.onResult2(ResolutionResult.newBuilder()
          .setAddressesOrError(StatusOr.fromStatus(Status.UNAVAILABLE.withDescription(
              "no instance of " + target.service() + " speaks this channel's transport: instance "
                  + String.join("; instance ", mismatched))))
          .build());
      return;
    }
    if (!skipped.isEmpty()) {
      if (groups.isEmpty() && published != null && !published.isEmpty()) {
        logger.warn("Cannot resolve any instance of {}: {}; keeping the {} addresses published"
            + " before", target.service(), skipped, published.size());
        return;
      }
      logger.warn("Skipping instances of {} whose host cannot be resolved: {}",
          target.service(), skipped);
    }
    List<EquivalentAddressGroup> result = List.copyOf(groups);
    if (result.equals(published)) {
      return;
    }
    published = result;
    publishedByInstance = Map.copyOf(byInstance);
    listener.onResult2(ResolutionResult.newBuilder()
        .setAddressesOrError(StatusOr.fromValue(result))
        .setAttributes(resultAttributes)
        .build());
  }

  private static Attributes attributes(ServiceInstance instance, boolean tls) {
    Attributes.Builder attributes = Attributes.newBuilder();
    if (tls && !instance.application().isEmpty()) {
      // The TLS handshake sees only the authority: naming the application there lets the
      // client require the identity it configured for that application.
      attributes.set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE,
          TlsMaterial.applicationAuthority(instance.application()));
    }
    return attributes
        .set(EndpointAttributes.WEIGHT, instance.weight())
        .set(EndpointAttributes.ZONE, instance.zone())
        .set(EndpointAttributes.VERSION, instance.version())
        .set(EndpointAttributes.GROUP, instance.group())
        .set(EndpointAttributes.METADATA, instance.metadata())
        .set(EndpointAttributes.STARTED_AT, instance.startedAt())
        .set(EndpointAttributes.INSTANCE_ID, instance.instanceId())
        .set(EndpointAttributes.TLS, instance.tls())
        .set(EndpointAttributes.APPLICATION, instance.application())
        .build();
  }

  /**
   * Returns {@code host} as an address if it is an IP literal, parsed without any look-up:
   * dotted-quad IPv4, or IPv6 (anything with a colon, which no host name has), with or without
   * brackets. Returns {@code null} for a host name.
   *
   * @throws UnknownHostException if {@code host} looks like a literal but is not a valid one
   */
  static InetAddress parseLiteral(String host) throws UnknownHostException {
    if (host.indexOf(':') >= 0) {
      String bare = host.startsWith("[") && host.endsWith("]")
          ? host.substring(1, host.length() - 1) : host;
      if (!IPV6.matcher(bare).matches()) {
        throw new UnknownHostException("'" + host + "' is not a valid IPv6 address");
      }
      // The JDK parses a string that starts with a hex digit or ':' as a literal, never looking
      // it up, and fails if it is not a valid one.
      return InetAddress.getByName(bare);
    }
    if (!IPV4.matcher(host).matches()) {
      return null;
    }
    String[] parts = host.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int octet = Integer.parseInt(parts[i]);
      if (octet > 255) {
        throw new UnknownHostException("'" + host + "' is not a valid IPv4 address (octet "
            + octet + " > 255)");
      }
      bytes[i] = (byte) octet;
    }
    return InetAddress.getByAddress(bytes);
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
    if (ownLookups != null) {
      ownLookups.shutdownNow();
    }
    if (ownsRegistry) {
      registry.close();
    }
  }
}
