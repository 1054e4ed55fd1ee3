package dev.switchboard.spring.boot.internal;

import dev.switchboard.discovery.zk.ZkRegistry;
import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.rpc.BalancerSettings;
import dev.switchboard.rpc.ClientTls;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.OutlierDetection;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryPolicy;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.ServerTls;
import dev.switchboard.rpc.ZoneAffinity;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import dev.switchboard.spring.boot.SwitchboardProperties;
import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns {@link SwitchboardProperties} into Switchboard's builders: the one place where each
 * property meets the rule that checks it (the builders' own), used both to validate the
 * properties at bind time and to build the server, the client, the registry and the reference
 * overrides. Stateless; thread-safe.
 */
public final class SettingsCompiler {
  private static final String ZK = "zk";

  /** Receives what is wrong with a property: its bean path (e.g. {@code server.weight}). */
  @FunctionalInterface
  public interface Problems {
    void reject(String path, String message);

    /** Fails at once: for building after validation has passed. */
    Problems FAIL = (path, message) -> {
      throw new IllegalArgumentException("switchboard." + path + ": " + message);
    };
  }

  private SettingsCompiler() {}

  /** Checks every property, reporting each problem to {@code problems}. */
  public static void validate(SwitchboardProperties properties, Problems problems) {
    if (!properties.isEnabled()) {
      return;
    }
    if (properties.getApplication() != null) {
      check(problems, "application", () -> dev.switchboard.rpc.registry.Names
          .checkApplicationName(properties.getApplication()));
    }
    if (properties.getRegistry().getUri() != null) {
      registry(properties.getRegistry(), problems);
    } else if (hasZkSettings(properties.getRegistry())) {
      problems.reject("registry.uri", "is required when other registry settings are set");
    }
    server(properties.getServer(), problems);
    client(properties.getClient(), problems);
    for (Map.Entry<String, SwitchboardProperties.Reference> entry
        : properties.getClient().getReferences().entrySet()) {
      override(ReferenceConfig.defaults(), entry.getValue(),
          "client.references[" + entry.getKey() + "]", problems);
    }
  }

  /** Opens the registry the properties name. */
  public static Registry openRegistry(SwitchboardProperties.Registry properties) {
    URI uri = URI.create(properties.getUri());
    if (ZK.equalsIgnoreCase(uri.getScheme())) {
      return ZkRegistry.open(zkConfig(uri, properties, Problems.FAIL));
    }
    return RegistryProviders.loadDefault().open(properties.getUri());
  }

  private static void registry(SwitchboardProperties.Registry properties, Problems problems) {
    URI uri = check(problems, "registry.uri", () -> {
      RegistryProviders.loadDefault().checkUri(properties.getUri());
      return URI.create(properties.getUri());
    });
    if (uri == null) {
      return;
    }
    if (ZK.equalsIgnoreCase(uri.getScheme())) {
      zkConfig(uri, properties, problems);
    } else if (hasZkSettings(properties)) {
      problems.reject("registry.uri", "is a " + uri.getScheme() + ":// registry: the other"
          + " registry settings are ZooKeeper's and apply to zk:// URIs only");
    }
  }

  private static boolean hasZkSettings(SwitchboardProperties.Registry p) {
    return p.getSessionTimeout() != null || p.getConnectionTimeout() != null
        || p.getDebounce() != null || p.getDropProtection() != null
        || p.getMaxInstances() != null || p.getSnapshotDirectory() != null
        || p.getSnapshots() != null || p.getSnapshotMaxAge() != null
        || p.getAllowLoopback() != null || p.getUsername() != null || p.getPassword() != null;
  }

  private static ZkRegistryConfig zkConfig(URI uri, SwitchboardProperties.Registry p,
      Problems problems) {
    ZkRegistryConfig.Builder builder = check(problems, "registry.uri",
        () -> ZkRegistryConfig.fromUri(uri).toBuilder());
    if (builder == null) {
      return null;
    }
    set(problems, "registry.sessionTimeout", p.getSessionTimeout(), builder::sessionTimeout);
    set(problems, "registry.connectionTimeout", p.getConnectionTimeout(),
        builder::connectionTimeout);
    set(problems, "registry.debounce", p.getDebounce(), builder::debounce);
    set(problems, "registry.dropProtection", p.getDropProtection(), builder::dropProtection);
    set(problems, "registry.maxInstances", p.getMaxInstances(), builder::maxInstances);
    set(problems, "registry.snapshotDirectory", p.getSnapshotDirectory(),
        builder::snapshotDirectory);
    if (Boolean.FALSE.equals(p.getSnapshots())) {
      builder.noSnapshots();
    }
    set(problems, "registry.snapshotMaxAge", p.getSnapshotMaxAge(), builder::snapshotMaxAge);
    set(problems, "registry.allowLoopback", p.getAllowLoopback(), builder::allowLoopback);
    if (p.getUsername() != null || p.getPassword() != null) {
      if (p.getUsername() == null || p.getPassword() == null) {
        problems.reject(p.getUsername() == null ? "registry.username" : "registry.password",
            "is required: digest credentials need both a username and a password");
      } else {
        check(problems, "registry.username",
            () -> builder.credentials(p.getUsername(), p.getPassword()));
      }
    }
    return check(problems, "registry.uri", builder::build);
  }

  /**
   * Returns a server builder with the properties applied: it serves at start and registers
   * only when asked (the application is ready), and leaves shutdown to the context.
   */
  public static RpcServer.Builder server(SwitchboardProperties.Server p, Problems problems) {
    RpcServer.Builder builder = RpcServer.builder().shutdownHook(false).deferRegistration();
    set(problems, "server.port", p.getPort(), builder::port);
    set(problems, "server.bindAddress", p.getBindAddress(), builder::bindAddress);
    set(problems, "server.advertisedHost", p.getAdvertisedHost(), builder::advertisedHost);
    set(problems, "server.weight", p.getWeight(), builder::weight);
    set(problems, "server.zone", p.getZone(), builder::zone);
    set(problems, "server.drainPeriod", p.getDrainPeriod(), builder::drainPeriod);
    set(problems, "server.shutdownGrace", p.getShutdownGrace(), builder::shutdownGrace);
    set(problems, "server.registrationTimeout", p.getRegistrationTimeout(),
        builder::registrationTimeout);
    ServerTls tls = serverTls(p.getTls(), problems);
    if (tls != null) {
      builder.tls(tls);
    }
    return builder;
  }

  private static ServerTls serverTls(SwitchboardProperties.ServerTlsProperties p,
      Problems problems) {
    boolean any = p.getCertificateChain() != null || p.getPrivateKey() != null
        || p.getClientCa() != null || p.getClientAuth() != null
        || !p.getAllowedClients().isEmpty() || p.getRefresh() != null;
    if (!any) {
      return null;
    }
    if (p.getCertificateChain() == null || p.getPrivateKey() == null) {
      problems.reject(p.getCertificateChain() == null ? "server.tls.certificateChain"
          : "server.tls.privateKey", "is required: TLS needs both a certificate chain and a"
          + " private key");
      return null;
    }
    ServerTls.Builder builder = ServerTls.builder();
    if (check(problems, "server.tls.certificateChain",
        () -> builder.keyPair(p.getCertificateChain(), p.getPrivateKey())) == null) {
      return null;
    }
    if (p.getClientCa() != null) {
      ServerTls.ClientAuth auth = p.getClientAuth() != null ? p.getClientAuth()
          : ServerTls.ClientAuth.REQUIRE;
      check(problems, "server.tls.clientCa", () -> builder.clientTrust(p.getClientCa(), auth));
    } else if (p.getClientAuth() != null) {
      problems.reject("server.tls.clientCa", "is required when client-auth is set: the CAs"
          + " that issue client certificates");
    }
    check(problems, "server.tls.allowedClients",
        () -> builder.allowedClients(p.getAllowedClients().toArray(String[]::new)));
    set(problems, "server.tls.refresh", p.getRefresh(), builder::refresh);
    return check(problems, "server.tls", builder::build);
  }

  /** Returns a client builder with the properties applied (the registry is set by the caller). */
  public static RpcClient.Builder client(SwitchboardProperties.Client p, Problems problems) {
    RpcClient.Builder builder = RpcClient.builder();
    if (p.getBalancer() != null) {
      check(problems, "client.balancer", () -> builder.defaultBalancer(
          BalancerSettings.ofEntries(p.getBalancer(), p.getBalancerSettings())));
    } else if (!p.getBalancerSettings().isEmpty()) {
      problems.reject("client.balancerSettings", "need a balancer: set"
          + " switchboard.client.balancer");
    }
    set(problems, "client.deadline", p.getDeadline(), builder::defaultDeadline);
    set(problems, "client.shutdownGrace", p.getShutdownGrace(), builder::shutdownGrace);
    if (p.getZone() != null) {
      ZoneAffinity affinity = check(problems, "client.zone", () -> ZoneAffinity.of(p.getZone()));
      if (affinity != null && p.getZoneMinHealthyShare() != null) {
        ZoneAffinity zone = affinity;
        affinity = check(problems, "client.zoneMinHealthyShare",
            () -> zone.withMinHealthyShare(p.getZoneMinHealthyShare()));
      }
      if (affinity != null) {
        builder.zoneAffinity(affinity);
      }
    } else if (p.getZoneMinHealthyShare() != null) {
      problems.reject("client.zone", "is required when zone-min-healthy-share is set");
    }
    ClientTls tls = clientTls(p.getTls(), problems);
    if (tls != null) {
      builder.tls(tls);
    }
    return builder;
  }

  private static ClientTls clientTls(SwitchboardProperties.ClientTlsProperties p,
      Problems problems) {
    boolean any = p.getTrustedCa() != null || p.getCertificateChain() != null
        || p.getPrivateKey() != null || !p.getServerIdentities().isEmpty()
        || !p.getApplicationIdentities().isEmpty() || p.isAcceptAnyIdentity()
        || p.getRefresh() != null;
    if (!any) {
      return null;
    }
    if (p.getTrustedCa() == null) {
      problems.reject("client.tls.trustedCa", "is required for TLS: the CAs that issue the"
          + " servers' certificates");
      return null;
    }
    ClientTls.Builder builder = ClientTls.builder();
    check(problems, "client.tls.trustedCa", () -> builder.trust(p.getTrustedCa()));
    if (p.getCertificateChain() != null || p.getPrivateKey() != null) {
      if (p.getCertificateChain() == null || p.getPrivateKey() == null) {
        problems.reject(p.getCertificateChain() == null ? "client.tls.certificateChain"
            : "client.tls.privateKey", "is required: mutual TLS needs both a certificate chain"
            + " and a private key");
      } else {
        check(problems, "client.tls.certificateChain",
            () -> builder.keyPair(p.getCertificateChain(), p.getPrivateKey()));
      }
    }
    p.getServerIdentities().forEach((service, identity) -> check(problems,
        "client.tls.serverIdentities[" + service + "]",
        () -> builder.serverIdentity(service, identity)));
    p.getApplicationIdentities().forEach((application, identity) -> check(problems,
        "client.tls.applicationIdentities[" + application + "]",
        () -> builder.applicationIdentity(application, identity)));
    if (p.isAcceptAnyIdentity()) {
      builder.acceptAnyIdentity();
    }
    set(problems, "client.tls.refresh", p.getRefresh(), builder::refresh);
    return check(problems, "client.tls", builder::build);
  }

  /**
   * Returns {@code base} (a reference's annotation) with the values {@code overrides} sets.
   *
   * @param path the overrides' bean path, e.g. {@code client.references[helloworld.Greeter]}
   */
  public static ReferenceConfig override(ReferenceConfig base,
      SwitchboardProperties.Reference overrides, String path, Problems problems) {
    if (overrides == null) {
      return base;
    }
    ReferenceConfig.Builder builder = base.toBuilder();
    if (overrides.getBalancer() != null) {
      BalancerSettings balancer = check(problems, path + ".balancer", () -> {
        BalancerSettings settings = BalancerSettings.ofEntries(overrides.getBalancer(),
            overrides.getBalancerSettings());
        RpcClient.builder().defaultBalancer(settings); // the client's check of a balancer
        return settings;
      });
      if (balancer != null) {
        builder.balancer(balancer);
      }
    } else if (!overrides.getBalancerSettings().isEmpty()) {
      problems.reject(path + ".balancerSettings", "need a balancer: set " + path + ".balancer");
    }
    set(problems, path + ".deadline", overrides.getDeadline(), builder::deadline);
    if (overrides.getMaxAttempts() != null) {
      check(problems, path + ".maxAttempts", () -> {
        RetryPolicy retry = RetryPolicy.attempts(overrides.getMaxAttempts());
        if (!overrides.getRetryOn().isEmpty()) {
          retry = retry.retryingOn(RetryPolicy.codes(
              overrides.getRetryOn().toArray(String[]::new)));
        } else if (base.methodDefaults().retry().isPresent()) {
          retry = retry.retryingOn(base.methodDefaults().retry().get().retryOn()); // kept
        }
        return builder.methodDefaults(base.methodDefaults().toBuilder().retry(retry).build());
      });
    } else if (!overrides.getRetryOn().isEmpty()) {
      problems.reject(path + ".retryOn", "needs max-attempts: set " + path + ".max-attempts");
    }
    if (Boolean.TRUE.equals(overrides.getEjectOutliers())) {
      builder.outlierDetection(OutlierDetection.DEFAULTS);
    }
    set(problems, path + ".hashField", overrides.getHashField(), builder::hashField);
    set(problems, path + ".subsetSize", overrides.getSubsetSize(), builder::subsetSize);
    return check(problems, path, builder::build);
  }

  private static <T> void set(Problems problems, String path, T value, Consumer<T> setter) {
    if (value != null) {
      check(problems, path, () -> {
        setter.accept(value);
        return value;
      });
    }
  }

  private static <T> T check(Problems problems, String path, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      problems.reject(path, e.getMessage());
      return null;
    }
  }
}
