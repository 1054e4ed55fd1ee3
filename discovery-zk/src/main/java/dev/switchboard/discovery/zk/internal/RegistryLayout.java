package dev.switchboard.discovery.zk.internal;

/**
 * Where the registry keeps its nodes, relative to the root (the Curator namespace):
 *
 * <pre>
 * /v1/apps/{app}/instances/{instanceId}   EPHEMERAL   one per provider process, JSON payload
 * /v1/services/{service}/{app}            PERSISTENT  empty; "app provides service"
 * /v1/overrides/{app}/{instanceId}        PERSISTENT  an operator's override of one instance
 * </pre>
 *
 * <p>Instances are registered per application, not per service, so a process that serves fifty
 * services writes one ephemeral node, and the number of watches grows with the applications a
 * consumer talks to, not with the services. Overrides are grouped per application too, so a
 * consumer that follows an application's instances follows its overrides with one more cache.
 */
public final class RegistryLayout {
  /** The schema version in the path; an incompatible layout would live beside it as /v2. */
  public static final String VERSION_ROOT = "/v1";
  /** The parent of every application. */
  public static final String APPS = VERSION_ROOT + "/apps";
  /** The parent of every service. */
  public static final String SERVICES = VERSION_ROOT + "/services";
  /** The parent of every application's operator overrides. */
  public static final String OVERRIDES = VERSION_ROOT + "/overrides";

  private RegistryLayout() {}

  /** Returns the node of {@code app}. */
  public static String app(String app) {
    return APPS + "/" + app;
  }

  /** Returns the parent of {@code app}'s instance nodes. */
  public static String instances(String app) {
    return app(app) + "/instances";
  }

  /** Returns the node of one instance. */
  public static String instance(String app, String instanceId) {
    return instances(app) + "/" + instanceId;
  }

  /** Returns the parent of the applications that provide {@code service}. */
  public static String providers(String service) {
    return SERVICES + "/" + service;
  }

  /** Returns the node recording that {@code app} provides {@code service}. */
  public static String provider(String service, String app) {
    return providers(service) + "/" + app;
  }

  /** Returns the parent of the override nodes of {@code app}'s instances. */
  public static String overrides(String app) {
    return OVERRIDES + "/" + app;
  }

  /** Returns the override node of one instance. */
  public static String override(String app, String instanceId) {
    return overrides(app) + "/" + instanceId;
  }
}
