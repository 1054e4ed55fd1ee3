package dev.switchboard.rpc.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The registry providers visible to a class loader, by scheme. Immutable once created.
 *
 * <pre>{@code
 * Registry registry = RegistryProviders.loadDefault().open("zk://127.0.0.1:2181");
 * }</pre>
 */
public final class RegistryProviders {

  private final Map<String, RegistryProvider> byScheme;

  private RegistryProviders(Map<String, RegistryProvider> byScheme) {
    this.byScheme = byScheme;
  }

  /** Loads the providers listed for this class's class loader. */
  public static RegistryProviders loadDefault() {
    return load(RegistryProviders.class.getClassLoader());
  }

  /** Loads the providers listed for {@code classLoader}; the first one found per scheme wins. */
  public static RegistryProviders load(ClassLoader classLoader) {
    Map<String, RegistryProvider> byScheme = new TreeMap<>();
    for (RegistryProvider provider : ServiceLoader.load(RegistryProvider.class, classLoader)) {
      byScheme.putIfAbsent(provider.scheme().toLowerCase(Locale.ROOT), provider);
    }
    return new RegistryProviders(Map.copyOf(byScheme));
  }

  /** Returns the provider for {@code scheme}, or {@code null}. */
  public RegistryProvider get(String scheme) {
    return scheme == null ? null : byScheme.get(scheme.toLowerCase(Locale.ROOT));
  }

  /**
   * Checks that {@code uri} is well formed and that a provider handles its scheme, without
   * opening anything.
   *
   * @throws IllegalArgumentException as {@link #open(String)} would
   */
  public void checkUri(String uri) {
    URI parsed = parse(uri);
    if (get(parsed.getScheme()) == null) {
      throw unknownScheme(parsed);
    }
  }

  /**
   * Opens a new registry for {@code uri}, e.g. {@code zk://127.0.0.1:2181/chroot} or
   * {@code memory://test}.
   *
   * @throws IllegalArgumentException when the URI is malformed or no provider handles its scheme,
   *     naming the URI and the schemes that are available
   */
  public Registry open(String uri) {
    return open(parse(uri));
  }

  private static URI parse(String uri) {
    try {
      return new URI(uri);
    } catch (URISyntaxException e) {
      // The parser's message quotes the input: keep only its reason.
      throw new IllegalArgumentException("registry URI '" + RegistryUris.redact(uri)
          + "' is malformed: " + e.getReason() + " at index " + e.getIndex()
          + " (expected e.g. zk://127.0.0.1:2181 or memory://name)");
    }
  }

  private IllegalArgumentException unknownScheme(URI uri) {
    return new IllegalArgumentException("registry URI '" + RegistryUris.redact(uri)
        + "' has unknown scheme '"
        + uri.getScheme() + "' (available: " + byScheme.keySet()
        + "; zk:// needs switchboard-discovery-zk on the class path)");
  }

  /** Opens a new registry for {@code uri}; see {@link #open(String)}. */
  public Registry open(URI uri) {
    RegistryProvider provider = get(uri.getScheme());
    if (provider == null) {
      throw unknownScheme(uri);
    }
    return provider.newRegistry(uri);
  }
}
