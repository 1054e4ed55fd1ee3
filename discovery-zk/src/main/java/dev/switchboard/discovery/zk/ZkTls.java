package dev.switchboard.discovery.zk;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * TLS to ZooKeeper: the trust store that verifies the servers and, optionally, the key store
 * with this client's certificate. Stores are PKCS12 or JKS, told apart by ZooKeeper from the
 * file. Immutable.
 *
 * @param trustStore the trust store path
 * @param trustStorePassword its password (may be empty)
 * @param keyStore the client key store path, or {@code null} for no client certificate
 * @param keyStorePassword its password, or {@code null} without a key store
 */
public record ZkTls(Path trustStore, String trustStorePassword, Path keyStore,
    String keyStorePassword) {

  /** Validates the components. */
  public ZkTls {
    requireNonNull(trustStore, "trustStore");
    requireNonNull(trustStorePassword, "trustStorePassword");
  }

  /** Never shows the passwords. */
  @Override
  public String toString() {
    return "ZkTls{trustStore=" + trustStore + ", keyStore=" + keyStore + "}";
  }
}
