package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ZkRegistryConfigTest {

  @Test
  void plainUriUsesDefaults() {
    ZkRegistryConfig config = ZkRegistryConfig.fromUri(URI.create("zk://127.0.0.1:2181"));

    assertThat(config.connectString()).isEqualTo("127.0.0.1:2181");
    assertThat(config.root()).isEqualTo("/switchboard");
    assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void ensembleChrootAndTimeoutsAreRead() {
    ZkRegistryConfig config = ZkRegistryConfig.fromUri(URI.create(
        "zk://zk1:2181,zk2:2181/acme/prod?sessionTimeout=PT10S&connectionTimeout=PT2S"));

    assertThat(config.connectString()).isEqualTo("zk1:2181,zk2:2181");
    assertThat(config.root()).isEqualTo("/acme/prod");
    assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void badUrisAreRejectedNamingTheProblem() {
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk:///prod")))
        .hasMessageContaining("names no ZooKeeper server");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk://h:1?retries=3")))
        .hasMessageContaining("unknown parameter 'retries'")
        .hasMessageContaining("sessionTimeout, connectionTimeout");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk://h:1?sessionTimeout=10")))
        .hasMessageContaining("sessionTimeout='10' is not an ISO-8601 duration");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk://h:1?sessionTimeout=PT1H")))
        .hasMessageContaining("sessionTimeout PT1H is out of range");
    assertThatThrownBy(() -> ZkRegistryConfig.builder().root("relative"))
        .hasMessageContaining("root 'relative' is invalid");
  }
}
