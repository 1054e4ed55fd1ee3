package dev.switchboard.discovery.zk.internal;

import dev.switchboard.discovery.zk.ZkRegistryAdmin;
import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.ServiceWeights;
import dev.switchboard.rpc.registry.Names;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.RegistryHealth;
import dev.switchboard.rpc.registry.ServiceInstance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ZkRegistryAdmin} of a ZooKeeper registry: one Curator client of its own (built as
 * a registry's, so its credentials and {@link RegistryAcls} apply to what it creates), one
 * registry thread for watches, and a {@link ZkRegistryImpl} on the same client that registers
 * and watches nothing, whose {@link ZkRegistryImpl#health()} is the session's health.
 *
 * <p>Every read goes to ZooKeeper (nothing is cached) and every payload is judged by the code
 * consumers use: instance nodes by {@link AppInstances#validate} (the codec, the path checks,
 * the address policy of this config), override nodes by {@link OverrideCodec}, the overrides'
 * effect by {@link AppInstances#withOverride} and the one-endpoint-per-address rule by
 * {@link ServiceWatch#onePerEndpoint}.
 *
 * <p>Override writes are compare-and-set: the node is read with its version, changed and
 * written back with {@code setData().withVersion(...)} (or created, when absent); a
 * {@code BadVersion} or {@code NodeExists} means another operator wrote first, and the change is
 * applied again to what they wrote.
 *
 * <p>Thread-safe.
 */
public final class ZkRegistryAdminImpl implements ZkRegistryAdmin {
  private static final Logger logger = LoggerFactory.getLogger(ZkRegistryAdminImpl.class);
  private static final int MAX_WRITE_ATTEMPTS = 16;
  private static final int WRITE_PERMISSIONS = ZooDefs.Perms.WRITE | ZooDefs.Perms.CREATE
      | ZooDefs.Perms.DELETE | ZooDefs.Perms.ADMIN;

  private final CuratorFramework client;
  private final ZkRegistryConfig config;
  private final String description;
  private final Clock clock;
  private final AddressPolicy addresses;
  private final ZkRegistryImpl session;
  private final RegistryExecutor executor;
  private final String identity; // for messages: the digest user, or "anonymous"
  private final Set<AdminWatch> watches = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ZkRegistryAdminImpl(ZkRegistryConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.description = config.toString();
    this.addresses = new AddressPolicy(config.allowLoopback());
    this.identity = config.user().map(user -> "digest user '" + user + "'")
        .orElse("anonymous (no credentials)");
    this.client = ZkRegistryImpl.newClient(config);
    this.session = ZkRegistryImpl.create(client, false, config,
        new RegistryTiming(System::nanoTime, clock, RegistryTiming.SYSTEM.selfCheckPeriod()));
    this.executor = new RegistryExecutor(description);
  }

  /** Opens an admin session on {@code config}'s registry, with the system clock. */
  public static ZkRegistryAdminImpl open(ZkRegistryConfig config) {
    return open(config, Clock.systemUTC());
  }

  /**
   * Opens an admin session on {@code config}'s registry, taking the time of audit entries and
   * node ages from {@code clock}.
   */
  public static ZkRegistryAdminImpl open(ZkRegistryConfig config, Clock clock) {
    return new ZkRegistryAdminImpl(config, clock);
  }

  // ---------------------------------------------------------------------------------- reads

  /** One node as read: its path (relative to the root), data and stat. */
  private record Node(String path, byte[] data, Stat stat) {
    String name() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  /** One instance node judged as a consumer would, with the override of its instance. */
  private record Parsed(String app, Node node, ProviderInstance instance, String invalidReason,
      Optional<InstanceOverride> override) {
    boolean valid() {
      return instance != null;
    }

    /** The instance as consumers use it: the override applied. */
    ProviderInstance effective() {
      return override.map(o -> AppInstances.withOverride(instance, o)).orElse(instance);
    }
  }

  /** What one application holds: its instance nodes, parsed, and its override nodes. */
  private record AppRead(String app, boolean exists, List<Parsed> instances,
      Map<String, Node> overrides) {
    boolean offers(String service) {
      return instances.stream().anyMatch(p -> p.valid()
          && p.instance().forService(service) != null);
    }
  }

  private Optional<Node> read(String path) throws Exception {
    Stat stat = new Stat();
    try {
      byte[] data = client.getData().storingStatIn(stat).forPath(path);
      return Optional.of(new Node(path, data, stat));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  private List<String> children(String path) throws Exception {
    try {
      List<String> children = new ArrayList<>(client.getChildren().forPath(path));
      Collections.sort(children);
      return children;
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  private List<Node> readChildren(String parent) throws Exception {
    List<Node> nodes = new ArrayList<>();
    for (String child : children(parent)) {
      read(parent + "/" + child).ifPresent(nodes::add); // gone meanwhile: not there
    }
    return nodes;
  }

  private AppRead readApp(String app) throws Exception {
    boolean exists = client.checkExists().forPath(RegistryLayout.app(app)) != null;
    Map<String, Node> overrides = new LinkedHashMap<>();
    for (Node node : readChildren(RegistryLayout.overrides(app))) {
      overrides.put(node.name(), node);
    }
    List<Parsed> instances = new ArrayList<>();
    for (Node node : readChildren(RegistryLayout.instances(app))) {
      Optional<InstanceOverride> override = Optional.ofNullable(overrides.get(node.name()))
          .flatMap(this::decodeOverride);
      try {
        ProviderInstance instance = AppInstances.validate(app, node.name(), node.data(),
            clock.instant(), addresses, warning -> { });
        instances.add(new Parsed(app, node, instance, null, override));
      } catch (InvalidPayloadException e) {
        instances.add(new Parsed(app, node, null, e.getMessage(), override));
      }
    }
    return new AppRead(app, exists, instances, overrides);
  }

  private Optional<InstanceOverride> decodeOverride(Node node) {
    try {
      return Optional.of(OverrideCodec.decode(node.name(), node.data()));
    } catch (InvalidPayloadException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> overrideProblem(Node node) {
    try {
      OverrideCodec.decode(node.name(), node.data());
      return Optional.empty();
    } catch (InvalidPayloadException e) {
      return Optional.of(e.getMessage());
    }
  }

  private AppRead app(Map<String, AppRead> apps, String app) throws Exception {
    AppRead read = apps.get(app);
    if (read == null) {
      read = readApp(app);
      apps.put(app, read);
    }
    return read;
  }

  private InstanceView view(Parsed parsed, String service) {
    Duration age = Duration.between(Instant.ofEpochMilli(parsed.node().stat().getCtime()),
        clock.instant());
    if (age.isNegative()) {
      age = Duration.ZERO;
    }
    String id = parsed.node().name();
    if (!parsed.valid()) {
      return new InstanceView(id, parsed.app(), service == null ? "" : service, "", 0, 0, 0, "",
          "", null, false, age, Optional.of(parsed.invalidReason()), parsed.override(), Map.of());
    }
    ProviderInstance instance = parsed.instance();
    ServiceInstance published = instance.forService(service == null
        ? instance.services().get(0).name() : service);
    int effective = parsed.override().flatMap(InstanceOverride::weight)
        .orElse(published.weight());
    return new InstanceView(id, parsed.app(), published.service(), published.host(),
        published.port(), published.weight(), effective, published.zone(), published.version(),
        published.state(), published.tls(), age, Optional.empty(), parsed.override(),
        published.metadata());
  }

  @Override
  public List<ServiceSummary> services() {
    return call("list the services", () -> {
      Map<String, AppRead> apps = new HashMap<>();
      List<ServiceSummary> summaries = new ArrayList<>();
      for (String service : children(RegistryLayout.SERVICES)) {
        String servicePath = RegistryLayout.providers(service);
        Stat serviceStat = client.checkExists().forPath(servicePath);
        if (serviceStat == null) {
          continue; // deleted meanwhile
        }
        long lastChange = serviceStat.getMtime();
        List<String> applications = new ArrayList<>();
        int serving = 0;
        int draining = 0;
        int invalid = 0;
        for (String app : children(servicePath)) {
          Stat entry = client.checkExists().forPath(RegistryLayout.provider(service, app));
          if (entry != null) {
            lastChange = Math.max(lastChange, entry.getMtime());
          }
          if (!Names.isValidApplicationName(app)) {
            invalid++;
            continue;
          }
          applications.add(app);
          AppRead read = app(apps, app);
          for (Parsed parsed : read.instances()) {
            if (!parsed.valid()) {
              invalid++;
              lastChange = Math.max(lastChange, parsed.node().stat().getMtime());
              continue;
            }
            if (parsed.instance().forService(service) == null) {
              continue;
            }
            lastChange = Math.max(lastChange, parsed.node().stat().getMtime());
            Node override = read.overrides().get(parsed.node().name());
            if (override != null) {
              lastChange = Math.max(lastChange, override.stat().getMtime());
            }
            if (parsed.effective().state() == InstanceState.SERVING) {
              serving++;
            } else {
              draining++;
            }
          }
        }
        summaries.add(new ServiceSummary(service, applications, serving, draining, invalid,
            Instant.ofEpochMilli(lastChange)));
      }
      return summaries;
    });
  }

  @Override
  public List<InstanceView> instances(String service) {
    Names.checkServiceName(service);
    return call("list the instances of " + service, () -> instancesOf(service));
  }

  private List<InstanceView> instancesOf(String service) throws Exception {
    List<InstanceView> views = new ArrayList<>();
    for (Parsed parsed : parsedInstancesOf(service)) {
      views.add(view(parsed, service));
    }
    return views;
  }

  /**
   * Returns the instance nodes of the applications providing {@code service}: the valid ones
   * offering it, and the invalid ones.
   */
  private List<Parsed> parsedInstancesOf(String service) throws Exception {
    List<Parsed> result = new ArrayList<>();
    for (String app : children(RegistryLayout.providers(service))) {
      if (!Names.isValidApplicationName(app)) {
        continue; // consumers skip the entry: no instance comes from it
      }
      for (Parsed parsed : readApp(app).instances()) {
        if (!parsed.valid() || parsed.instance().forService(service) != null) {
          result.add(parsed);
        }
      }
    }
    return result;
  }

  @Override
  public Optional<InstanceView> instance(String instanceId) {
    checkInstanceId(instanceId);
    return call("read instance " + instanceId, () -> {
      Optional<String> app = appOf(instanceId);
      if (app.isEmpty()) {
        return Optional.empty();
      }
      return readApp(app.get()).instances().stream()
          .filter(p -> p.node().name().equals(instanceId)).findFirst()
          .map(p -> view(p, null));
    });
  }

  /** Returns the application whose instance {@code instanceId} is, if its node exists. */
  private Optional<String> appOf(String instanceId) throws Exception {
    for (String app : children(RegistryLayout.APPS)) {
      if (client.checkExists().forPath(RegistryLayout.instance(app, instanceId)) != null) {
        return Optional.of(app);
      }
    }
    return Optional.empty();
  }

  /** Returns the override node of {@code instanceId}, in whichever application it is. */
  private Optional<Node> overrideNodeOf(String instanceId) throws Exception {
    for (String app : children(RegistryLayout.OVERRIDES)) {
      Optional<Node> node = read(RegistryLayout.override(app, instanceId));
      if (node.isPresent()) {
        return node;
      }
    }
    return Optional.empty();
  }

  private static void checkInstanceId(String instanceId) {
    dev.switchboard.rpc.registry.Names.checkInstanceId(instanceId);
  }

  @Override
  public Optional<InstanceOverride> override(String instanceId) {
    checkInstanceId(instanceId);
    return call("read the override of " + instanceId,
        () -> overrideNodeOf(instanceId).flatMap(this::decodeOverride));
  }

  // ---------------------------------------------------------------------------------- writes

  /** One change to an override, applied to what the node holds at each attempt. */
  @FunctionalInterface
  private interface Edit {
    /** Returns {@code current} changed at {@code now}, or {@code current} itself if unchanged. */
    InstanceOverride apply(InstanceOverride current, Instant now);
  }

  @Override
  public InstanceOverride drain(String instanceId, String who) {
    return setDrain(instanceId, who, true);
  }

  @Override
  public InstanceOverride enable(String instanceId, String who) {
    return setDrain(instanceId, who, false);
  }

  private InstanceOverride setDrain(String instanceId, String who, boolean drain) {
    OverrideCodec.checkWho(who);
    return modify(instanceId, drain ? "drain" : "enable", (current, now) ->
        current.drain() == drain ? current : new InstanceOverride(instanceId, drain,
            current.weight(), append(current.history(), new Change(who, now,
                drain ? "drain" : "enable", String.valueOf(current.drain()),
                String.valueOf(drain)))));
  }

  @Override
  public InstanceOverride weight(String instanceId, Integer weight, String who) {
    OverrideCodec.checkWho(who);
    if (weight != null) {
      ServiceWeights.check(weight, "weight override of instance " + instanceId);
    }
    Optional<Integer> wanted = Optional.ofNullable(weight);
    return modify(instanceId, "weight", (current, now) ->
        current.weight().equals(wanted) ? current : new InstanceOverride(instanceId,
            current.drain(), wanted, append(current.history(), new Change(who, now, "weight",
                current.weight().map(String::valueOf).orElse("none"),
                wanted.map(String::valueOf).orElse("none")))));
  }

  private static List<Change> append(List<Change> history, Change change) {
    List<Change> result = new ArrayList<>(history);
    result.add(change);
    return result;
  }

  private InstanceOverride modify(String instanceId, String what, Edit edit) {
    checkInstanceId(instanceId);
    checkOpen();
    String app = call("find instance " + instanceId, () -> appOf(instanceId))
        .orElseThrow(() -> new IllegalArgumentException("unknown instance '" + instanceId
            + "': no node " + RegistryLayout.instance("*", instanceId) + " in registry "
            + description + " (only registered instances can be overridden)"));
    String path = RegistryLayout.override(app, instanceId);
    return call("write override " + path, () -> {
      for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        Optional<Node> node = read(path);
        InstanceOverride current = new InstanceOverride(instanceId, false, Optional.empty(),
            List.of());
        String problem = null;
        if (node.isPresent()) {
          try {
            current = OverrideCodec.decode(instanceId, node.get().data());
          } catch (InvalidPayloadException e) {
            problem = e.getMessage(); // replaced by a valid node below
          }
        }
        InstanceOverride updated = edit.apply(current, clock.instant());
        if (updated == current && problem == null) {
          return current; // nothing to change, nothing written
        }
        byte[] data = OverrideCodec.encode(updated);
        try {
          if (node.isEmpty()) {
            client.create().creatingParentsIfNeeded().forPath(path, data);
          } else {
            client.setData().withVersion(node.get().stat().getVersion()).forPath(path, data);
          }
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
            | KeeperException.NoNodeException raced) {
          logger.debug("Override node {} changed while writing it ({}); applying the {} again",
              path, raced.code(), what);
          continue;
        } catch (KeeperException.NoAuthException e) {
          throw refused(path, node.isEmpty() ? "create" : "change", e);
        }
        InstanceOverride written = OverrideCodec.decode(instanceId, data);
        if (problem != null) {
          logger.warn("Replaced invalid override node {} ({}) with a valid one", path, problem);
        }
        written.lastChange().ifPresent(change -> logger.info("Operator override {}: {} {} -> {}"
            + " by '{}' at {}", path, change.change(), change.oldValue(), change.newValue(),
            change.who(), change.when()));
        return written;
      }
      throw new IllegalStateException("override node " + path + " changed " + MAX_WRITE_ATTEMPTS
          + " times while " + what + " was being written; try again");
    });
  }

  @Override
  public Optional<InstanceOverride> removeOverride(String instanceId, String who) {
    checkInstanceId(instanceId);
    OverrideCodec.checkWho(who);
    return call("remove the override of " + instanceId, () -> {
      for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        Optional<Node> node = overrideNodeOf(instanceId);
        if (node.isEmpty()) {
          return Optional.<InstanceOverride>empty();
        }
        try {
          client.delete().withVersion(node.get().stat().getVersion()).forPath(node.get().path());
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
          continue;
        } catch (KeeperException.NoAuthException e) {
          throw refused(node.get().path(), "delete", e);
        }
        Optional<InstanceOverride> removed = decodeOverride(node.get());
        logger.info("Operator override {} removed by '{}' at {} (it was {})", node.get().path(),
            who, clock.instant(), removed.map(o -> "drain=" + o.drain() + ", weight="
                + o.weight().map(String::valueOf).orElse("none")).orElse("invalid"));
        return removed;
      }
      throw new IllegalStateException("override of " + instanceId + " changed "
          + MAX_WRITE_ATTEMPTS + " times while it was being removed; try again");
    });
  }

  private SecurityException refused(String path, String action, Exception cause) {
    String owners;
    try {
      owners = describeWriters(path, action);
    } catch (Exception e) {
      owners = "unknown (" + e.getClass().getSimpleName() + " reading the ACL)";
    }
    SecurityException refused = new SecurityException("registry " + description + " refused to "
        + action + " override node " + path + " (ZooKeeper NoAuth) for this admin's identity, "
        + identity + ": it may be written only by " + owners + ". Use the credentials of the"
        + " operator identity that owns the overrides (a wrong password is another identity;"
        + " see docs/registry.md, Operator overrides)");
    refused.initCause(cause);
    return refused;
  }

  /**
   * Names who may {@code action} ({@code create}, {@code change} or {@code delete}) the node
   * {@code path}: the holders of WRITE on it, of DELETE on its parent, or of CREATE on its
   * nearest existing ancestor.
   */
  private String describeWriters(String path, String action) throws Exception {
    String target = path;
    int needed = ZooDefs.Perms.WRITE;
    if (action.equals("delete")) {
      target = path.substring(0, path.lastIndexOf('/'));
      needed = ZooDefs.Perms.DELETE;
    } else if (action.equals("create")) {
      while (target.lastIndexOf('/') > 0 && client.checkExists().forPath(target) == null) {
        target = target.substring(0, target.lastIndexOf('/'));
      }
      needed = ZooDefs.Perms.CREATE;
    }
    List<String> writers = new ArrayList<>();
    for (ACL acl : client.getACL().forPath(target)) {
      if ((acl.getPerms() & needed) != 0) {
        writers.add(describe(acl.getId()));
      }
    }
    return (writers.isEmpty() ? "nobody" : String.join(", ", writers))
        + (target.equals(path) ? "" : " (who may " + (action.equals("delete") ? "delete" : "create")
            + " nodes under " + target + ")");
  }

  /** Describes an ACL id without its digest hash. */
  private static String describe(Id id) {
    return switch (id.getScheme()) {
      case "digest" -> "digest user '" + id.getId().substring(0, Math.max(0,
          id.getId().indexOf(':'))) + "'";
      case "world" -> "anyone";
      default -> id.getScheme() + " '" + id.getId() + "'";
    };
  }

  // ---------------------------------------------------------------------------------- dry run

  @Override
  public Map<String, Double> dryRunWeight(String service, String instanceId, int weight) {
    Names.checkServiceName(service);
    checkInstanceId(instanceId);
    ServiceWeights.check(weight, "dry-run weight of instance " + instanceId);
    return call("compute the shares of " + service, () -> {
      List<AppInstances.CachedInstance> offering = new ArrayList<>();
      boolean found = false;
      for (Parsed parsed : parsedInstancesOf(service)) {
        if (!parsed.valid()) {
          continue;
        }
        found |= parsed.node().name().equals(instanceId);
        offering.add(new AppInstances.CachedInstance(parsed.effective(),
            parsed.node().stat().getCzxid()));
      }
      if (!found) {
        throw new IllegalArgumentException("instance '" + instanceId + "' is not a valid"
            + " instance of service " + service + " in registry " + description);
      }
      List<AppInstances.CachedInstance> pickable = ServiceWatch.onePerEndpoint(offering);
      if (pickable.size() > config.maxInstances()) {
        pickable = pickable.subList(0, config.maxInstances());
      }
      Map<String, Integer> weights = new LinkedHashMap<>();
      for (AppInstances.CachedInstance cached : pickable) {
        ServiceInstance instance = cached.instance().forService(service);
        if (instance.state() == InstanceState.SERVING) {
          weights.put(instance.instanceId(),
              instance.instanceId().equals(instanceId) ? weight : instance.weight());
        }
      }
      double sum = weights.values().stream().mapToInt(Integer::intValue).sum();
      Map<String, Double> shares = new LinkedHashMap<>();
      weights.forEach((id, w) -> shares.put(id, w / sum));
      return Collections.unmodifiableMap(shares);
    });
  }

  // ---------------------------------------------------------------------------------- doctor

  @Override
  public List<Finding> doctor() {
    return call("check the registry", this::examine);
  }

  private List<Finding> examine() throws Exception {
    List<Finding> findings = new ArrayList<>();
    AclCheck acls = new AclCheck();
    for (String path : List.of("/", RegistryLayout.VERSION_ROOT, RegistryLayout.APPS,
        RegistryLayout.SERVICES, RegistryLayout.OVERRIDES)) {
      acls.check(path);
    }
    // Applications and their instances.
    Map<String, AppRead> apps = new TreeMap<>();
    Map<String, List<Parsed>> endpoints = new TreeMap<>();
    for (String app : children(RegistryLayout.APPS)) {
      String appPath = RegistryLayout.app(app);
      acls.check(appPath);
      if (!Names.isValidApplicationName(app)) {
        findings.add(new Finding(Finding.ERROR, appPath, "'" + app + "' is not a valid"
            + " application name: consumers never read its instances"));
      }
      AppRead read = readApp(app);
      apps.put(app, read);
      String instancesPath = RegistryLayout.instances(app);
      acls.check(instancesPath);
      if (read.instances().isEmpty()) {
        findings.add(new Finding(Finding.WARNING, appPath, "orphaned: empty application"
            + " directory, no instance registered (delete it if the application is gone)"));
      }
      Set<String> expected = acls.digestUsers(instancesPath, ZooDefs.Perms.CREATE);
      for (Parsed parsed : read.instances()) {
        String path = parsed.node().path();
        List<ACL> acl = acls.check(path);
        if (!parsed.valid()) {
          findings.add(new Finding(Finding.ERROR, path, "invalid instance node: "
              + parsed.invalidReason() + " (consumers skip it)"));
        } else {
          endpoints.computeIfAbsent(parsed.instance().host() + ":" + parsed.instance().port(),
              e -> new ArrayList<>()).add(parsed);
        }
        if (parsed.node().stat().getEphemeralOwner() == 0) {
          findings.add(new Finding(Finding.WARNING, path, "persistent instance node: it does"
              + " not go away with a provider's session (written by hand?)"));
        }
        Set<String> writers = AclCheck.digestUsers(acl, ZooDefs.Perms.WRITE);
        if (!expected.isEmpty() && !writers.isEmpty() && Collections.disjoint(expected, writers)) {
          acls.identityFindings.add(new Finding(Finding.WARNING, path, "instance node written by "
              + users(writers) + ", not by the identity that owns " + instancesPath + " ("
              + users(expected) + ")"));
        }
      }
    }
    for (Map.Entry<String, List<Parsed>> entry : endpoints.entrySet()) {
      List<Parsed> nodes = entry.getValue();
      if (nodes.size() > 1) {
        nodes.sort(Comparator.comparingLong(p -> p.node().stat().getCzxid()));
        Parsed newest = nodes.get(nodes.size() - 1);
        findings.add(new Finding(Finding.WARNING, newest.node().path(), "duplicate endpoint "
            + entry.getKey() + ": " + nodes.size() + " instance nodes ("
            + String.join(", ", nodes.stream().map(p -> p.node().path()).toList())
            + "); consumers use only the newest registration, " + newest.node().name()));
      }
    }
    // Services and the applications that provide them.
    for (String service : children(RegistryLayout.SERVICES)) {
      String servicePath = RegistryLayout.providers(service);
      acls.check(servicePath);
      if (!Names.isValidServiceName(service)) {
        findings.add(new Finding(Finding.ERROR, servicePath, "'" + service + "' is not a valid"
            + " service name: no consumer can watch it"));
      }
      List<String> entries = children(servicePath);
      if (entries.isEmpty()) {
        findings.add(new Finding(Finding.WARNING, servicePath, "orphaned: no application"
            + " provides the service"));
      }
      for (String app : entries) {
        String entryPath = RegistryLayout.provider(service, app);
        acls.check(entryPath);
        if (!Names.isValidApplicationName(app)) {
          findings.add(new Finding(Finding.ERROR, entryPath, "'" + app + "' is not a valid"
              + " application name: consumers skip the entry"));
        } else if (!app(apps, app).offers(service)) {
          findings.add(new Finding(Finding.WARNING, entryPath, "orphaned: application '" + app
              + "' has no valid instance providing " + service));
        }
      }
    }
    // Overrides.
    for (String app : children(RegistryLayout.OVERRIDES)) {
      String overridesPath = RegistryLayout.overrides(app);
      acls.check(overridesPath);
      AppRead read = app(apps, app);
      Set<String> registered = new HashSet<>();
      read.instances().forEach(p -> registered.add(p.node().name()));
      for (Node node : readChildren(overridesPath)) {
        acls.check(node.path());
        Optional<String> problem = overrideProblem(node);
        if (problem.isPresent()) {
          findings.add(new Finding(Finding.ERROR, node.path(), "invalid override node: "
              + problem.get() + " (providers and consumers ignore it)"));
        }
        if (!registered.contains(node.name())) {
          findings.add(new Finding(Finding.WARNING, node.path(), "orphaned: override of"
              + " instance '" + node.name() + "', which is not registered in application '"
              + app + "' (gone for good, or between sessions: ids are never reused by a new"
              + " process); removeOverride deletes it"));
        }
      }
    }
    if (config.user().isPresent() || acls.digestSeen) {
      findings.addAll(acls.worldWritable);
      findings.addAll(acls.identityFindings);
    }
    return findings;
  }

  private static String users(Set<String> users) {
    return String.join(", ", users.stream().sorted().map(user -> "digest user '" + user + "'")
        .toList());
  }

  /** Reads ACLs during a check; the findings count only when credentials are in use. */
  private final class AclCheck {
    final List<Finding> worldWritable = new ArrayList<>();
    final List<Finding> identityFindings = new ArrayList<>();
    final Map<String, List<ACL>> read = new HashMap<>();
    boolean digestSeen;

    List<ACL> check(String path) throws Exception {
      List<ACL> acl = acl(path);
      for (ACL entry : acl) {
        if (entry.getId().getScheme().equals("digest")) {
          digestSeen = true;
        }
        if (entry.getId().equals(ZooDefs.Ids.ANYONE_ID_UNSAFE)
            && (entry.getPerms() & WRITE_PERMISSIONS) != 0) {
          worldWritable.add(new Finding(Finding.ERROR, path, "world-writable (world:anyone:"
              + perms(entry.getPerms()) + ") while the registry uses credentials: anyone may"
              + " change or delete it, or point consumers elsewhere; give it the ACL creator:"
              + " all, world: read"));
        }
      }
      return acl;
    }

    List<ACL> acl(String path) throws Exception {
      List<ACL> acl = read.get(path);
      if (acl == null) {
        try {
          acl = client.getACL().forPath(path);
        } catch (KeeperException.NoNodeException e) {
          acl = List.of();
        }
        read.put(path, acl);
      }
      return acl;
    }

    Set<String> digestUsers(String path, int perms) throws Exception {
      return digestUsers(acl(path), perms);
    }

    /**
     * Returns the digest users with any of {@code perms} in {@code acl}: users, not ids, since
     * ZooKeeper hides the digests from clients without ADMIN rights on the node.
     */
    static Set<String> digestUsers(List<ACL> acl, int perms) {
      Set<String> users = new HashSet<>();
      for (ACL entry : acl) {
        if (entry.getId().getScheme().equals("digest") && (entry.getPerms() & perms) != 0) {
          String id = entry.getId().getId();
          users.add(id.contains(":") ? id.substring(0, id.indexOf(':')) : id);
        }
      }
      return users;
    }
  }

  private static String perms(int perms) {
    StringBuilder letters = new StringBuilder();
    if ((perms & ZooDefs.Perms.CREATE) != 0) {
      letters.append('c');
    }
    if ((perms & ZooDefs.Perms.DELETE) != 0) {
      letters.append('d');
    }
    if ((perms & ZooDefs.Perms.READ) != 0) {
      letters.append('r');
    }
    if ((perms & ZooDefs.Perms.WRITE) != 0) {
      letters.append('w');
    }
    if ((perms & ZooDefs.Perms.ADMIN) != 0) {
      letters.append('a');
    }
    return letters.toString();
  }

  // ---------------------------------------------------------------------------------- watch

  @Override
  public AutoCloseable watch(String service, Consumer<List<InstanceView>> onChange) {
    Names.checkServiceName(service);
    checkOpen();
    AdminWatch watch = new AdminWatch(service, onChange);
    watches.add(watch);
    watch.start();
    return watch;
  }

  /**
   * Follows one service for {@link #watch}: Curator caches of the service's application
   * entries and of each application's instances and overrides only signal that something
   * changed; each (debounced) refresh reads {@link #instances(String)} afresh and delivers it if
   * it differs from the last delivery (ages aside). A reconnect refreshes too. Confined to the
   * admin's executor, except {@link #close()}.
   */
  private final class AdminWatch implements AutoCloseable {
    private final String service;
    private final Consumer<List<InstanceView>> onChange;
    private final Map<String, List<CuratorCache>> appCaches = new HashMap<>();
    private final ConnectionStateListener reconnects = (c, state) -> {
      if (state == ConnectionState.RECONNECTED) {
        changed();
      }
    };
    private CuratorCache providers;
    private ScheduledFuture<?> pending;
    private List<InstanceView> delivered;
    private volatile boolean closed;

    AdminWatch(String service, Consumer<List<InstanceView>> onChange) {
      this.service = service;
      this.onChange = onChange;
    }

    void start() {
      client.getConnectionStateListenable().addListener(reconnects);
      executor.execute(() -> {
        if (closed) {
          return;
        }
        providers = cache(RegistryLayout.providers(service));
        refresh();
      });
    }

    private CuratorCache cache(String path) {
      CuratorCache cache = CuratorCache.build(client, path);
      cache.listenable().addListener(CuratorCacheListener.builder()
          .forAll((type, before, after) -> changed()).build(), executor);
      cache.start();
      return cache;
    }

    /** Notes a change: refreshes after the debounce period. Any thread. */
    void changed() {
      executor.execute(() -> {
        if (!closed && pending == null) {
          pending = executor.schedule(() -> {
            pending = null;
            refresh();
          }, config.debounce().toMillis(), TimeUnit.MILLISECONDS);
        }
      });
    }

    private void refresh() {
      if (closed) {
        return;
      }
      List<InstanceView> views;
      try {
        Set<String> apps = new HashSet<>();
        for (String app : children(RegistryLayout.providers(service))) {
          if (Names.isValidApplicationName(app)) {
            apps.add(app);
          }
        }
        for (String app : List.copyOf(appCaches.keySet())) {
          if (!apps.contains(app)) {
            appCaches.remove(app).forEach(CuratorCache::close);
          }
        }
        for (String app : apps) {
          appCaches.computeIfAbsent(app, name -> List.of(cache(RegistryLayout.instances(name)),
              cache(RegistryLayout.overrides(name))));
        }
        views = instancesOf(service);
      } catch (Exception e) {
        logger.warn("Cannot read the instances of {} in registry {} ({}); watching on",
            service, description, e.toString());
        return;
      }
      List<InstanceView> comparable = withoutAges(views);
      if (!comparable.equals(delivered)) {
        delivered = comparable;
        onChange.accept(views);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      client.getConnectionStateListenable().removeListener(reconnects);
      watches.remove(this);
      executor.execute(this::closeCaches);
    }

    void closeCaches() {
      if (providers != null) {
        providers.close();
      }
      appCaches.values().forEach(caches -> caches.forEach(CuratorCache::close));
      appCaches.clear();
    }
  }

  private static List<InstanceView> withoutAges(List<InstanceView> views) {
    return views.stream().map(v -> new InstanceView(v.instanceId(), v.application(),
        v.service(), v.host(), v.port(), v.weight(), v.effectiveWeight(), v.zone(), v.version(),
        v.state(), v.tls(), Duration.ZERO, v.invalidReason(), v.override(), v.metadata()))
        .toList();
  }

  // ---------------------------------------------------------------------------------- session

  @Override
  public RegistryHealth health() {
    return session.health();
  }

  /** A ZooKeeper operation; its checked exceptions become unchecked ones. */
  @FunctionalInterface
  private interface Operation<T> {
    T run() throws Exception;
  }

  private <T> T call(String what, Operation<T> operation) {
    checkOpen();
    try {
      if (!client.getZookeeperClient().isConnected()
          && !client.blockUntilConnected((int) config.connectionTimeout().toMillis(),
              TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("cannot " + what + ": ZooKeeper registry "
            + description + " is unreachable (waited " + config.connectionTimeout() + ")");
      }
      return operation.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    } catch (KeeperException.NoAuthException e) {
      throw new SecurityException("registry " + description + " refused to let " + identity
          + " " + what + " (ZooKeeper NoAuth)", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot " + what + " in ZooKeeper registry "
          + description + ": " + e, e);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("registry admin for " + description + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (AdminWatch watch : List.copyOf(watches)) {
      watch.close();
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    for (AdminWatch watch : List.copyOf(watches)) {
      watch.closeCaches();
    }
    session.close();
    client.close();
  }

  @Override
  public String toString() {
    return "ZkRegistryAdmin{" + description + "}";
  }
}
