package dev.switchboard.rpc.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ServiceInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random subsetting by rendezvous hashing: size, stability under churn, spread over clients. */
class SubsettingTest {

  private static ServiceInstance instance(int i, InstanceState state) {
    return new ServiceInstance("10.0.0." + i + "-9000-id" + i, "helloworld.Greeter",
        "10.0.0." + i, 9000, 100, "", "", "", state, Instant.EPOCH, Map.of(), false);
  }

  private static List<ServiceInstance> fleet(int n) {
    List<ServiceInstance> fleet = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fleet.add(instance(i, InstanceState.SERVING));
    }
    return fleet;
  }

  private static Set<String> ids(List<ServiceInstance> instances) {
    Set<String> ids = new HashSet<>();
    instances.forEach(instance -> ids.add(instance.instanceId()));
    return ids;
  }

  @Test
  void keepsTheSizeFromTheEligibleOnesAndTheSameSeedKeepsTheSameSubset() {
    List<ServiceInstance> fleet = new ArrayList<>(fleet(20));
    fleet.set(3, instance(3, InstanceState.DRAINING));
    Subsetting subsetting = new Subsetting(5, 42);

    List<ServiceInstance> subset =
        subsetting.select(fleet, i -> i.state() == InstanceState.SERVING);

    assertThat(subset).hasSize(5).allMatch(i -> i.state() == InstanceState.SERVING);
    assertThat(subsetting.select(fleet, i -> i.state() == InstanceState.SERVING))
        .isEqualTo(subset);
    assertThat(new Subsetting(5, 43).select(fleet, i -> true)).isNotEqualTo(subset);
    assertThat(subsetting.select(fleet(3), i -> true)).hasSize(3); // fewer than the size: all
  }

  @Test
  void aLeavingInstanceMovesOnlyTheSubsetsItWasIn() {
    List<ServiceInstance> fleet = fleet(50);
    Subsetting subsetting = new Subsetting(5, 7);
    Set<String> before = ids(subsetting.select(fleet, i -> true));
    ServiceInstance member = fleet.stream()
        .filter(i -> before.contains(i.instanceId())).findFirst().orElseThrow();
    ServiceInstance outsider = fleet.stream()
        .filter(i -> !before.contains(i.instanceId())).findFirst().orElseThrow();

    List<ServiceInstance> withoutOutsider = new ArrayList<>(fleet);
    withoutOutsider.remove(outsider);
    assertThat(ids(subsetting.select(withoutOutsider, i -> true))).isEqualTo(before);

    List<ServiceInstance> withoutMember = new ArrayList<>(fleet);
    withoutMember.remove(member);
    Set<String> after = ids(subsetting.select(withoutMember, i -> true));
    assertThat(after).hasSize(5).doesNotContain(member.instanceId());
    Set<String> kept = new HashSet<>(before);
    kept.retainAll(after);
    assertThat(kept).hasSize(4); // one replaced, the other four stay
  }

  @Test
  void clientsWithRandomSeedsSpreadTheirConnectionsEvenly() {
    List<ServiceInstance> fleet = fleet(100);
    int[] connections = new int[100];
    SplittableRandom seeds = new SplittableRandom(1);
    for (int client = 0; client < 1_000; client++) {
      for (ServiceInstance chosen : new Subsetting(10, seeds.nextLong()).select(fleet, i -> true)) {
        connections[Integer.parseInt(chosen.host().substring("10.0.0.".length()))]++;
      }
    }
    int max = 0;
    int min = Integer.MAX_VALUE;
    for (int count : connections) {
      max = Math.max(max, count);
      min = Math.min(min, count);
    }
    // 1,000 clients × 10 connections over 100 instances: 100 each on average
    assertThat(max).isLessThanOrEqualTo(140);
    assertThat(min).isGreaterThanOrEqualTo(65);
  }

  @Test
  void aSizeBelowOneIsRefused() {
    assertThatThrownBy(() -> new Subsetting(0, 1)).hasMessageContaining("allowed: >= 1");
  }
}
