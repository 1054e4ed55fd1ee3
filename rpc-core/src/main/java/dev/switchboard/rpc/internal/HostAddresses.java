package dev.switchboard.rpc.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** Picks the address a provider advertises when it is not told one. */
public final class HostAddresses {
  private HostAddresses() {}

  /**
   * Returns {@code bindHost} when it names one address; for a wildcard bind, the first site-local
   * IPv4 address of an interface that is up, else the loopback address.
   */
  public static String advertisedHost(String bindHost) {
    if (bindHost != null && !bindHost.isEmpty() && !bindHost.equals("0.0.0.0")
        && !bindHost.equals("::") && !bindHost.equals("[::]")) {
      return bindHost;
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
          continue;
        }
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
            return address.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return InetAddress.getLoopbackAddress().getHostAddress();
  }
}
