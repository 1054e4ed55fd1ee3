package dev.switchboard.admin.internal;

import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The share of traffic weights give: what the weighted balancers converge to. Stateless. */
public final class Shares {
  private Shares() {}

  /**
   * Returns, for each instance consumers pick from (valid, SERVING, not drained), its effective weight over the sum of theirs;
   * draining and invalid instances get none (absent from the map).
   */
  public static Map<String, Double> byEffectiveWeight(List<InstanceView> instances) {
    long total = 0;
    for (InstanceView instance : instances) {
      if (serving(instance)) {
        total += instance.effectiveWeight();
      }
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    if (total == 0) {
      return shares;
    }
    for (InstanceView instance : instances) {
      if (serving(instance)) {
        shares.put(instance.instanceId(), instance.effectiveWeight() / (double) total);
      }
    }
    return shares;
  }

  /**
   * Returns the split consumers of {@code service} have now, as the library computes it (one
   * instance per host:port, overrides applied); the local computation if it cannot.
   */
  public static Map<String, Double> current(RegistrySession session, String service,
      List<InstanceView> instances) {
    for (InstanceView instance : instances) {
      if (serving(instance)) {
        try {
          return session.call(admin -> admin.dryRunWeight(service, instance.instanceId(),
              instance.effectiveWeight()));
        } catch (AdminException e) {
          return byEffectiveWeight(instances);
        }
      }
    }
    return Map.of();
  }

  private static boolean serving(InstanceView instance) {
    return instance.serving();
  }
}
