package dev.switchboard.discovery.zk.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Decides which advertised addresses a consumer may connect to. Registry data is not trusted:
 * wildcard, multicast, link-local (which holds the cloud metadata service at 169.254.169.254)
 * and known metadata addresses are always refused; loopback only when allowed (a local set-up).
 * Host names are accepted without resolving them, except {@code localhost} and the metadata
 * names. Immutable and thread-safe.
 */
final class AddressPolicy {
  private static final Set<String> METADATA = Set.of("metadata.google.internal", "metadata",
      "100.100.100.200", "fd00:ec2::254", "[fd00:ec2::254]");

  private final boolean allowLoopback;

  AddressPolicy(boolean allowLoopback) {
    this.allowLoopback = allowLoopback;
  }

  /** Returns why {@code host} is refused, or {@code null} if a consumer may connect to it. */
  String rejectReason(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (METADATA.contains(name)) {
      return "'" + host + "' is a cloud metadata address";
    }
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return allowLoopback ? null : loopbackRefused(host);
    }
    if (!isLiteral(name)) {
      return null;
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(name); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return "'" + host + "' is not a valid address";
    }
    if (address.isAnyLocalAddress()) {
      return "'" + host + "' is a wildcard address";
    }
    if (address.isMulticastAddress()) {
      return "'" + host + "' is a multicast address";
    }
    if (address.isLinkLocalAddress()) {
      return "'" + host + "' is link-local (the range of cloud metadata services)";
    }
    if (address.isLoopbackAddress() && !allowLoopback) {
      return loopbackRefused(host);
    }
    return null;
  }

  private static String loopbackRefused(String host) {
    return "'" + host + "' is a loopback address, refused because the registry is not on"
        + " loopback (set allowLoopback=true to accept)";
  }

  private static boolean isLiteral(String host) {
    return host.contains(":") || host.matches("[0-9.]+");
  }
}
