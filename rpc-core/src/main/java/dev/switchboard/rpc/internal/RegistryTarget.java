package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.registry.Names;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A parsed resolver target {@code scheme://authority[/root...]/service}: the last path segment is
 * the service, everything before it names the registry.
 *
 * @param registryUri the registry, e.g. {@code zk://127.0.0.1:2181/prod}
 * @param service the service, e.g. {@code helloworld.Greeter}
 */
public record RegistryTarget(URI registryUri, String service) {

  /**
   * Parses {@code target}.
   *
   * @throws IllegalArgumentException naming the target and the expected form
   */
  public static RegistryTarget parse(URI target) {
    String path = target.getPath();
    int slash = path == null ? -1 : path.lastIndexOf('/');
    if (target.getAuthority() == null || slash < 0 || slash == path.length() - 1) {
      throw new IllegalArgumentException("target '" + target + "' names no service (expected "
          + target.getScheme() + "://host:port[/root]/service, e.g. "
          + "zk://127.0.0.1:2181/helloworld.Greeter)");
    }
    String service = path.substring(slash + 1);
    if (!Names.isValidServiceName(service)) {
      throw new IllegalArgumentException("target '" + target + "': "
          + invalidServiceMessage(service));
    }
    try {
      URI registry = new URI(target.getScheme(), target.getAuthority(),
          slash == 0 ? null : path.substring(0, slash), null, null);
      return new RegistryTarget(registry, service);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("target '" + target + "' is malformed: " + e.getMessage(),
          e);
    }
  }

  /** Returns the target for {@code service} in the registry at {@code registryUri}. */
  public static String targetFor(String registryUri, String service) {
    Names.checkServiceName(service);
    String base = registryUri.endsWith("/")
        ? registryUri.substring(0, registryUri.length() - 1) : registryUri;
    return base + "/" + service;
  }

  private static String invalidServiceMessage(String service) {
    try {
      Names.checkServiceName(service);
      return "";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
