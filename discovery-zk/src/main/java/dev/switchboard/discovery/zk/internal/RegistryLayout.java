package dev.switchboard.discovery.zk.internal;

/**
 * Where the registry keeps its nodes, relative to the root (the Curator namespace):
 *
 * <pre>
 * /v1/apps/{app}/instances/{instanceId}   EPHEMERAL   one per provider process, JSON payload
 * /v1/services/{service}/{app}            PERSISTENT  empty; "app provides service"
 * </pre>
 *
 * <p>Instances are registered per application, not per service, so a process that serves fifty
 * services writes one ephemeral node, and the number of watches grows with the applications a
 * consumer talks to, not with the services.
 */
public final class RegistryLayout {
  /** The schema version in the path; an incompatible layout would live beside it as /v2. */
  public static final String VERSION_ROOT = "/v1";

  private RegistryLayout() {}

  /** Returns the parent of {@code app}'s instance nodes. */
  public static String instances(String app) {
    return VERSION_ROOT + "/apps/" + app + "/instances";
  }

  /** Returns the node of one instance. */
  public static String instance(String app, String instanceId) {
    return instances(app) + "/" + instanceId;
  }

  /** Returns the parent of the applications that provide {@code service}. */
  public static String providers(String service) {
    return VERSION_ROOT + "/services/" + service;
  }

  /** Returns the node recording that {@code app} provides {@code service}. */
  public static String provider(String service, String app) {
    return providers(service) + "/" + app;
  }
}
