package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.registry.RegistryUris;

import dev.switchboard.rpc.registry.Names;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A parsed resolver target {@code scheme://authority[/root...]/service[?parameters]}: the last
 * path segment is the service; everything else, the registry's parameters included, names the
 * registry.
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
      throw new IllegalArgumentException("target '" + RegistryUris.redact(target)
          + "' names no service (expected "
          + target.getScheme() + "://host:port[/root]/service, e.g. "
          + "zk://127.0.0.1:2181/helloworld.Greeter)");
    }
    String service = path.substring(slash + 1);
    if (!Names.isValidServiceName(service)) {
      throw new IllegalArgumentException("target '" + RegistryUris.redact(target) + "': "
          + invalidServiceMessage(service));
    }
    try {
      String rawPath = target.getRawPath();
      URI registry = new URI(target.getScheme() + "://" + target.getRawAuthority()
          + rawPath.substring(0, rawPath.lastIndexOf('/'))
          + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
      return new RegistryTarget(registry, service);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("target '" + RegistryUris.redact(target)
          + "' is malformed: " + e.getReason());
    }
  }

  /**
   * Returns the target for {@code service} in the registry at {@code registryUri}: the service
   * is appended to the path, before any parameters.
   */
  public static String targetFor(String registryUri, String service) {
    Names.checkServiceName(service);
    int query = registryUri.indexOf('?');
    String base = encodeServerList(query < 0 ? registryUri : registryUri.substring(0, query));
    String parameters = query < 0 ? "" : registryUri.substring(query);
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/" + service + parameters;
  }

  /**
   * Returns the target for {@code service} on a channel that is handed its registry (the
   * {@code REGISTRY} resolver argument), without the registry URI's user information and
   * parameters: a target is printed by gRPC (channel log ids, resolution errors), so it must
   * carry no password, and the shared registry makes them unnecessary.
   */
  public static String sharedRegistryTargetFor(String registryUri, String service) {
    int query = registryUri.indexOf('?');
    String uri = query < 0 ? registryUri : registryUri.substring(0, query);
    int start = uri.indexOf("://");
    if (start >= 0) {
      int end = uri.indexOf('/', start + 3);
      int at = uri.lastIndexOf('@', end < 0 ? uri.length() : end);
      if (at > start) {
        uri = uri.substring(0, start + 3) + uri.substring(at + 1);
      }
    }
    return targetFor(uri, service);
  }

  /**
   * gRPC's target parser takes a URI authority for one {@code host:port}; a server list such as
   * {@code zk1:2181,zk2:2181} is percent-encoded ({@code zk1%3A2181%2Czk2%3A2181}) so that it
   * passes through, and registries decode it.
   */
  private static String encodeServerList(String uri) {
    int start = uri.indexOf("://");
    if (start < 0) {
      return uri;
    }
    start += 3;
    int end = uri.indexOf('/', start);
    if (end < 0) {
      end = uri.length();
    }
    String authority = uri.substring(start, end);
    int at = authority.lastIndexOf('@');
    String servers = authority.substring(at + 1);
    if (!servers.contains(",")) {
      return uri;
    }
    String encoded = servers.replace(":", "%3A").replace(",", "%2C");
    return uri.substring(0, start) + authority.substring(0, at + 1) + encoded
        + uri.substring(end);
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
