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
  void credentialsParametersAndEncodedServerListsAreRead() {
    ZkRegistryConfig config = ZkRegistryConfig.fromUri(URI.create(
        "zk://provider:p%40ss@zk1%3A2181%2Czk2%3A2181/prod?dropProtection=PT1M&debounce=PT0S"
            + "&snapshotDir=none&allowLoopback=true"));

    assertThat(config.connectString()).isEqualTo("zk1:2181,zk2:2181");
    assertThat(config.user()).contains("provider");
    assertThat(config.password()).contains("p@ss");
    assertThat(config.dropProtection()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.debounce()).isZero();
    assertThat(config.snapshotDirectory()).isEmpty();
    assertThat(config.allowLoopback()).isTrue();
    assertThat(config.toString()).doesNotContain("p@ss").contains("provider:***@");
  }

  @Test
  void loopbackIsAllowedByDefaultOnlyForALoopbackRegistry() {
    assertThat(ZkRegistryConfig.fromUri(URI.create("zk://127.0.0.1:2181")).allowLoopback())
        .isTrue();
    assertThat(ZkRegistryConfig.fromUri(URI.create("zk://localhost:1,127.0.0.2:2"))
        .allowLoopback()).isTrue();
    assertThat(ZkRegistryConfig.fromUri(URI.create("zk://zk1:2181,127.0.0.1:2181"))
        .allowLoopback()).isFalse();
  }

  @Test
  void badUrisAreRejectedNamingTheProblem() {
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk:///prod")))
        .hasMessageContaining("names no ZooKeeper server");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk://h:1?retries=3")))
        .hasMessageContaining("unknown parameter 'retries'")
        .hasMessageContaining("sessionTimeout, connectionTimeout, debounce");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk://u@h:1")))
        .hasMessageContaining("credentials without a password");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(
        URI.create("zk://u:secret@h:1?allowLoopback=yes")))
        .hasMessageContaining("allowLoopback='yes' is not a boolean")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk://h:1?dropProtection=PT2H")))
        .hasMessageContaining("dropProtection PT2H is out of range");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(
        URI.create("zk://h:1?keyStore=/etc/client.p12")))
        .hasMessageContaining("needs a trust store too");
    assertThatThrownBy(() -> ZkRegistry.open(ZkRegistryConfig.fromUri(
        URI.create("zk://h:1?trustStore=/nonexistent/ts.p12"))))
        .hasMessageContaining("trustStore '/nonexistent/ts.p12' does not exist");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk://h:1?sessionTimeout=10")))
        .hasMessageContaining("sessionTimeout='10' is not an ISO-8601 duration");
    assertThatThrownBy(() -> ZkRegistryConfig.fromUri(URI.create("zk://h:1?sessionTimeout=PT1H")))
        .hasMessageContaining("sessionTimeout PT1H is out of range");
    assertThatThrownBy(() -> ZkRegistryConfig.builder().root("relative"))
        .hasMessageContaining("root 'relative' is invalid");
  }

  @Test
  void toBuilderKeepsEverySettingAndChangesOnlyWhatIsSet() {
    ZkRegistryConfig config = ZkRegistryConfig.fromUri(URI.create("zk://provider:secret@zk1:2181"
        + "/prod?sessionTimeout=PT10S&dropProtection=PT1M&maxInstances=50&snapshotDir=none"
        + "&allowLoopback=true&trustStore=/etc/zk/trust.p12&trustStorePassword=changeit"));

    assertThat(config.toBuilder().build()).isEqualTo(config);
    ZkRegistryConfig changed = config.toBuilder().sessionTimeout(Duration.ofSeconds(20)).build();
    assertThat(changed.sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(changed).isEqualTo(config.toBuilder().sessionTimeout(Duration.ofSeconds(20))
        .build());
    assertThat(changed.toBuilder().sessionTimeout(Duration.ofSeconds(10)).build())
        .isEqualTo(config);
  }
}
