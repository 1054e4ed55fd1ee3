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
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard instances SERVICE}. */
@Command(name = "instances", mixinStandardHelpOptions = true,
    description = "Lists the instances of a service, invalid nodes included: id, address,"
        + " published weight, override, effective weight and the share of traffic it gives,"
        + " zone, version, state, age and TLS.")
public final class InstancesCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "e.g. helloworld.Greeter")
  String service;

  @Option(names = "--json", description = "Print JSON (see docs/admin.md for the shape).")
  boolean json;

  @Override
  public Integer call() {
    try (RegistrySession session = open()) {
      List<InstanceView> instances = session.call(admin -> admin.instances(service));
      if (instances.isEmpty() && session.call(admin -> admin.services()).stream()
          .noneMatch(summary -> summary.service().equals(service))) {
        throw new AdminException(ExitCodes.NOT_FOUND, "no service '" + Texts.terminal(service)
            + "' in the registry " + session.redactedUri() + " (see 'switchboard services')");
      }
      Map<String, Double> shares = Shares.current(session, service, instances);
      if (json) {
        ObjectNode root = Views.object();
        root.put("registry", session.redactedUri());
        root.put("service", service);
        ArrayNode list = root.putArray("instances");
        for (InstanceView instance : instances) {
          ObjectNode node = Views.instance(instance);
          node.put("share", shares.getOrDefault(instance.instanceId(), 0.0));
          list.add(node);
        }
        out().println(Views.pretty(root));
        return ExitCodes.OK;
      }
      if (instances.isEmpty()) {
        out().println("No instances of " + Texts.terminal(service) + " right now.");
        return ExitCodes.OK;
      }
      Ansi ansi = parent.ansi(false);
      Table table = new Table("INSTANCE", "APP", "ADDRESS", "WEIGHT", "OVERRIDE", "EFFECTIVE",
          "SHARE", "ZONE", "VERSION", "STATE", "AGE", "TLS")
          .style(4, text -> text.equals("-") ? text : ansi.yellow(text))
          .style(9, text -> ansi.state(text.split(" ")[0])
              + text.substring(text.split(" ")[0].length()));
      for (InstanceView instance : instances) {
        String pending = Views.pending(instance);
        table.row(instance.instanceId(), instance.application(), Views.address(instance),
            instance.weight(), Views.overrideText(instance), instance.effectiveWeight(),
            shares.containsKey(instance.instanceId())
                ? Texts.percent(shares.get(instance.instanceId())) : "-",
            Texts.orDash(instance.zone()), Texts.orDash(instance.version()),
            Views.state(instance) + (pending.isEmpty() ? "" : " (" + pending + ")"),
            Texts.duration(instance.age()), instance.tls() ? "yes" : "no");
      }
      table.print(out(), ansi);
      for (InstanceView instance : instances) {
        instance.invalidReason().ifPresent(reason -> out().println(
            ansi.red("invalid") + " " + Texts.terminal(instance.instanceId()) + ": "
                + Texts.terminal(reason) + " (consumers skip it)"));
      }
      return ExitCodes.OK;
    }
  }
}
