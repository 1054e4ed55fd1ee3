package dev.switchboard.admin.internal.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.internal.Ansi;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Table;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.admin.internal.Views;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.Change;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard describe INSTANCE}. */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Shows one instance: where it is, what it publishes, the operator's override"
        + " and its audit history, and why consumers skip it if they do.")
public final class DescribeCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "INSTANCE", description = "An instance id, e.g."
      + " 10.0.0.7-50051-k7f3q9x2 (see 'switchboard instances SERVICE').")
  String instanceId;

  @Option(names = "--json", description = "Print JSON (see docs/admin.md for the shape).")
  boolean json;

  @Override
  public Integer call() {
    try (RegistrySession session = open()) {
      InstanceView instance = requireInstance(session, instanceId);
      if (json) {
        ObjectNode root = Views.object();
        root.put("registry", session.redactedUri());
        root.set("instance", Views.instance(instance));
        out().println(Views.pretty(root));
        return ExitCodes.OK;
      }
      Ansi ansi = parent.ansi(false);
      String pending = Views.pending(instance);
      field("instance", ansi.bold(Texts.terminal(instance.instanceId())));
      field("application", Texts.terminal(instance.application()));
      field("service", Texts.terminal(instance.service()));
      field("address", Texts.terminal(Views.address(instance)));
      field("state", ansi.state(Views.state(instance))
          + (pending.isEmpty() ? "" : " (" + pending + ")"));
      instance.invalidReason().ifPresent(reason ->
          field("invalid", Texts.terminal(reason) + " (consumers skip it)"));
      field("weight", instance.weight() + " published, " + instance.effectiveWeight()
          + " effective");
      field("override", Views.overrideText(instance));
      field("zone", Texts.terminal(Texts.orDash(instance.zone())));
      field("version", Texts.terminal(Texts.orDash(instance.version())));
      field("tls", instance.tls() ? "yes" : "no");
      field("age", Texts.duration(instance.age()));
      Map<String, String> metadata = new TreeMap<>(instance.metadata());
      if (metadata.isEmpty()) {
        field("metadata", "-");
      } else {
        boolean first = true;
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
          field(first ? "metadata" : "", Texts.terminal(entry.getKey()) + "="
              + Texts.terminal(entry.getValue()));
          first = false;
        }
      }
      var history = instance.override().map(override -> override.history())
          .orElse(java.util.List.of());
      if (history.isEmpty()) {
        field("history", "-");
      } else {
        out().println("history:");
        Table table = new Table("  WHEN", "WHO", "CHANGE", "OLD", "NEW");
        for (Change change : history) {
          table.row("  " + change.when().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), change.who(), change.change(),
              Texts.orDash(change.oldValue()), Texts.orDash(change.newValue()));
        }
        table.print(out(), ansi);
      }
      return ExitCodes.OK;
    }
  }

  /** Prints one field; {@code value} must already be safe for a terminal ({@link Texts#terminal}). */
  private void field(String name, String value) {
    out().printf("%-12s %s%n", name.isEmpty() ? "" : name + ":", value);
  }
}
