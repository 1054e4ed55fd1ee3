package dev.switchboard.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RegistryTargetTest {

  @Test
  void lastSegmentIsTheServiceAndTheRestTheRegistry() {
    RegistryTarget target = RegistryTarget.parse(URI.create("zk://127.0.0.1:2181/helloworld.Greeter"));

    assertThat(target.service()).isEqualTo("helloworld.Greeter");
    assertThat(target.registryUri()).isEqualTo(URI.create("zk://127.0.0.1:2181"));
  }

  @Test
  void chrootAndEnsembleAreKept() {
    RegistryTarget target =
        RegistryTarget.parse(URI.create("zk://zk1:2181,zk2:2181/acme/prod/helloworld.Greeter"));

    assertThat(target.service()).isEqualTo("helloworld.Greeter");
    assertThat(target.registryUri().toString()).isEqualTo("zk://zk1:2181,zk2:2181/acme/prod");
  }

  @Test
  void aSharedRegistryTargetCarriesNoCredentialsNorParameters() {
    assertThat(RegistryTarget.sharedRegistryTargetFor(
        "zk://app:s3cret@zk1:2181,zk2:2181/prod?keyStorePassword=hunter2&sessionTimeout=5s",
        "a.B")).isEqualTo("zk://zk1%3A2181%2Czk2%3A2181/prod/a.B")
        .doesNotContain("s3cret").doesNotContain("hunter2");
    assertThat(RegistryTarget.sharedRegistryTargetFor("memory://x", "a.B"))
        .isEqualTo("memory://x/a.B");
  }

  @Test
  void targetForJoinsRegistryAndService() {
    assertThat(RegistryTarget.targetFor("zk://h:1/prod/", "a.B")).isEqualTo("zk://h:1/prod/a.B");
    assertThat(RegistryTarget.targetFor("memory://x", "a.B")).isEqualTo("memory://x/a.B");
  }

  @Test
  void registryParametersAndCredentialsSurviveTheRoundTrip() {
    String registry = "zk://user:p%40ss@zk1:2181,zk2:2181/prod?sessionTimeout=PT4S&debounce=PT0S";
    String target = RegistryTarget.targetFor(registry, "a.B");

    // gRPC takes one host:port as authority, so a server list travels percent-encoded.
    assertThat(target).isEqualTo("zk://user:p%40ss@zk1%3A2181%2Czk2%3A2181/prod/a.B"
        + "?sessionTimeout=PT4S&debounce=PT0S");
    RegistryTarget parsed = RegistryTarget.parse(URI.create(target));
    assertThat(parsed.service()).isEqualTo("a.B");
    assertThat(parsed.registryUri().toString()).isEqualTo("zk://user:p%40ss@zk1%3A2181%2Czk2"
        + "%3A2181/prod?sessionTimeout=PT4S&debounce=PT0S");
  }

  @Test
  void targetWithoutServiceIsRejected() {
    assertThatThrownBy(() -> RegistryTarget.parse(URI.create("zk://127.0.0.1:2181")))
        .hasMessageContaining("names no service")
        .hasMessageContaining("zk://127.0.0.1:2181/helloworld.Greeter");
    assertThatThrownBy(() -> RegistryTarget.parse(URI.create("zk://127.0.0.1:2181/prod/")))
        .hasMessageContaining("names no service");
  }
}
