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
  void targetForJoinsRegistryAndService() {
    assertThat(RegistryTarget.targetFor("zk://h:1/prod/", "a.B")).isEqualTo("zk://h:1/prod/a.B");
    assertThat(RegistryTarget.targetFor("memory://x", "a.B")).isEqualTo("memory://x/a.B");
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
