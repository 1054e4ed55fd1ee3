package dev.switchboard.admin.internal.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.internal.AdminException;
import dev.switchboard.admin.internal.Ansi;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Shares;
import dev.switchboard.admin.internal.Table;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.admin.internal.Views;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import dev.switchboard.rpc.ServiceWeights;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard weight INSTANCE N [--dry-run]}. */
@Command(name = "weight", mixinStandardHelpOptions = true,
    description = {"Overrides the weight consumers use for an instance (1..10000, replacing the"
        + " weight it publishes for every service), or with --reset removes the override.",
        "With --dry-run nothing is written: the traffic split the new weight would give is"
            + " printed instead."})
public final class WeightCommand extends AdminCommand {
  /** The weights a registry accepts: {@link ServiceWeights}' range. */
  public static final int MIN = ServiceWeights.MIN;
  public static final int MAX = ServiceWeights.MAX;

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "An instance id (see"
      + " 'switchboard instances SERVICE').")
  String instanceId;

  @Parameters(index = "1", paramLabel = "N", arity = "0..1",
      description = "The new weight, 1..10000.")
  Integer weight;

  @Option(names = "--reset", description = "Remove the weight override: consumers use the"
      + " published weight again.")
  boolean reset;

  @Option(names = "--dry-run", description = "Print the resulting traffic split; write nothing.")
  boolean dryRun;

  @Option(names = "--service", paramLabel = "SERVICE", description = "The service whose split"
      + " --dry-run shows (default: the instance's first service).")
  String service;

  @Option(names = "--json", description = "Print JSON (see docs/admin.md for the shape).")
  boolean json;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (reset == (weight != null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), reset ? "give either N or --reset, not both"
              : "missing the weight N (1..10000), or --reset");
    }
    if (weight != null && (weight < MIN || weight > MAX)) {
      throw new AdminException(ExitCodes.NOT_FOUND, "weight " + weight
          + " is out of range (allowed: " + MIN + ".." + MAX + ")");
    }
    try (RegistrySession session = open()) {
      InstanceView before = requireInstance(session, instanceId);
      String serviceName = service == null ? before.service() : service;
      Ansi ansi = parent.ansi(json);
      if (dryRun) {
        int newWeight = weight != null ? weight : before.weight();
        return dryRun(session, before, serviceName, newWeight, ansi);
      }
      String who = parent.who(session.config());
      InstanceOverride override = session.call(admin -> admin.weight(instanceId, weight, who));
      InstanceView after = session.call(admin -> admin.instance(instanceId)).orElse(before);
      int newEffective = override.weight().orElse(after.weight());
      if (json) {
        ObjectNode root = Views.object();
        root.put("registry", session.redactedUri());
        root.put("instanceId", instanceId);
        root.put("dryRun", false);
        root.put("who", who);
        root.put("oldWeight", before.effectiveWeight());
        root.put("newWeight", newEffective);
        root.put("publishedWeight", before.weight());
        root.set("override", Views.override(override));
        out().println(Views.pretty(root));
        return ExitCodes.OK;
      }
      String id = ansi.bold(Texts.terminal(instanceId));
      if (reset) {
        out().println("Weight override of " + id + " removed as " + Texts.terminal(who) + ": "
            + before.effectiveWeight() + " → " + newEffective + " (the published weight).");
      } else {
        out().println("Weight of " + id + " for consumers: " + before.effectiveWeight() + " → "
            + newEffective + " (override as " + Texts.terminal(who) + "; published "
            + before.weight() + ").");
      }
      return ExitCodes.OK;
    }
  }

  private int dryRun(RegistrySession session, InstanceView target, String serviceName,
      int newWeight, Ansi ansi) {
    List<InstanceView> instances = session.call(admin -> admin.instances(serviceName));
    Map<String, Double> now = Shares.current(session, serviceName, instances);
    Map<String, Double> after = session.call(admin ->
        admin.dryRunWeight(serviceName, instanceId, newWeight));
    if (json) {
      ObjectNode root = Views.object();
      root.put("registry", session.redactedUri());
      root.put("instanceId", instanceId);
      root.put("service", serviceName);
      root.put("dryRun", true);
      root.put("oldWeight", target.effectiveWeight());
      root.put("newWeight", newWeight);
      ArrayNode split = root.putArray("split");
      for (InstanceView instance : instances) {
        ObjectNode entry = split.addObject();
        entry.put("instanceId", instance.instanceId());
        entry.put("address", Views.address(instance));
        entry.put("state", Views.state(instance));
        entry.put("weight", instance.effectiveWeight());
        entry.put("newWeight", instance.instanceId().equals(instanceId) ? newWeight
            : instance.effectiveWeight());
        entry.put("shareNow", now.getOrDefault(instance.instanceId(), 0.0));
        entry.put("shareAfter", after.getOrDefault(instance.instanceId(), 0.0));
      }
      out().println(Views.pretty(root));
      return ExitCodes.OK;
    }
    out().println("Dry run, nothing written: " + ansi.bold(Texts.terminal(instanceId))
        + " at weight " + target.effectiveWeight() + " → " + newWeight + ", traffic split of "
        + Texts.terminal(serviceName) + ":");
    Table table = new Table("INSTANCE", "ADDRESS", "STATE", "WEIGHT", "SHARE NOW", "SHARE AFTER")
        .style(2, ansi::state);
    for (InstanceView instance : instances) {
      boolean isTarget = instance.instanceId().equals(instanceId);
      table.row((isTarget ? "* " : "  ") + instance.instanceId(), Views.address(instance),
          Views.state(instance),
          isTarget ? instance.effectiveWeight() + " → " + newWeight
              : String.valueOf(instance.effectiveWeight()),
          now.containsKey(instance.instanceId())
              ? Texts.percent(now.get(instance.instanceId())) : "-",
          after.containsKey(instance.instanceId())
              ? Texts.percent(after.get(instance.instanceId())) : "-");
    }
    table.print(out(), ansi);
    if (!now.containsKey(instanceId)) {
      out().println("(" + Texts.terminal(instanceId) + " is not serving: it gets no traffic"
          + " whatever its weight)");
    }
    return ExitCodes.OK;
  }
}
