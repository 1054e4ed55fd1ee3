package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ServiceInstance;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DropProtectionTest {
  private static final long WINDOW = TimeUnit.SECONDS.toNanos(30);

  private static ServiceInstance instance(int port) {
    return instance(port, InstanceState.SERVING);
  }

  private static ServiceInstance instance(int port, InstanceState state) {
    return new ServiceInstance("i" + port, "helloworld.Greeter", "10.0.0.1", port, 100, "", "",
        "", state, Instant.EPOCH, Map.of());
  }

  private static List<ServiceInstance> instances(int... ports) {
    return java.util.Arrays.stream(ports).mapToObj(DropProtectionTest::instance).toList();
  }

  @Test
  void smallChangesPassAtOnce() {
    DropProtection protection = new DropProtection(WINDOW);
    protection.apply(instances(1, 2, 3, 4), 0);

    assertThat(protection.apply(instances(1, 2, 3), 1)).isEqualTo(instances(1, 2, 3));
    assertThat(protection.apply(instances(1, 2), 2)).isEqualTo(instances(1, 2));
    assertThat(protection.lastOutcome()).isEqualTo(DropProtection.Outcome.PASSED);
  }

  @Test
  void aDropSpreadOverSeveralUpdatesIsHeldToo() {
    DropProtection protection = new DropProtection(WINDOW);
    protection.apply(instances(1, 2, 3, 4), 0);
    protection.apply(instances(1, 2), 1);

    assertThat(protection.apply(instances(1), 2)).containsExactlyElementsOf(instances(1, 2, 3, 4));
    assertThat(protection.lastOutcome()).isEqualTo(DropProtection.Outcome.STARTED_HOLDING);
  }

  @Test
  void aSlowDeclineOutsideTheWindowPasses() {
    DropProtection protection = new DropProtection(WINDOW);
    protection.apply(instances(1, 2, 3, 4), 0);
    protection.apply(instances(1, 2), 1);

    assertThat(protection.apply(instances(1), WINDOW + 1)).isEqualTo(instances(1));
    assertThat(protection.lastOutcome()).isEqualTo(DropProtection.Outcome.PASSED);
  }

  @Test
  void emptyPushIsHeldForTheWindowThenBelieved() {
    DropProtection protection = new DropProtection(WINDOW);
    protection.apply(instances(1, 2, 3), 0);

    assertThat(protection.apply(List.of(), 10)).isEqualTo(instances(1, 2, 3));
    assertThat(protection.lastOutcome()).isEqualTo(DropProtection.Outcome.STARTED_HOLDING);
    assertThat(protection.holdEndsAtNanos()).isEqualTo(10 + WINDOW);
    assertThat(protection.apply(List.of(), 10 + WINDOW - 1)).isEqualTo(instances(1, 2, 3));
    assertThat(protection.lastOutcome()).isEqualTo(DropProtection.Outcome.HOLDING);

    assertThat(protection.apply(List.of(), 10 + WINDOW)).isEmpty();
    assertThat(protection.lastOutcome()).isEqualTo(DropProtection.Outcome.EXPIRED);
  }

  @Test
  void massDropKeepsTheVanishedBesideNewInstancesUntilTheCountRecovers() {
    DropProtection protection = new DropProtection(WINDOW);
    protection.apply(instances(1, 2, 3, 4, 5, 6), 0);

    assertThat(protection.apply(instances(1, 7), 1))
        .containsExactlyElementsOf(instances(1, 7, 2, 3, 4, 5, 6));
    assertThat(protection.apply(instances(1, 7, 8, 9), 2)).isEqualTo(instances(1, 7, 8, 9));
    assertThat(protection.lastOutcome()).isEqualTo(DropProtection.Outcome.RELEASED);
    assertThat(protection.holding()).isFalse();
  }

  @Test
  void announcedDeparturesAreNotHeld() {
    DropProtection protection = new DropProtection(WINDOW);
    protection.apply(instances(1, 2, 3), 0);
    protection.apply(List.of(instance(1, InstanceState.DRAINING), instance(2), instance(3)), 1);
    protection.apply(instances(2, 3), 2);
    protection.apply(List.of(instance(2, InstanceState.DRAINING), instance(3)), 3);

    assertThat(protection.apply(instances(3), 4)).isEqualTo(instances(3));
    assertThat(protection.lastOutcome()).isEqualTo(DropProtection.Outcome.PASSED);
    assertThat(protection.apply(List.of(), 5)).containsExactly(instance(3));
  }

  @Test
  void zeroWindowAndResetTurnProtectionOff() {
    DropProtection off = new DropProtection(0);
    off.apply(instances(1, 2, 3), 0);
    assertThat(off.apply(List.of(), 1)).isEmpty();

    DropProtection reset = new DropProtection(WINDOW);
    reset.apply(instances(1, 2, 3), 0);
    reset.reset();
    assertThat(reset.apply(instances(9), 1)).isEqualTo(instances(9));
  }
}
