package dev.switchboard.admin.internal.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.internal.Ansi;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Table;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.admin.internal.Views;
import dev.switchboard.discovery.zk.ZkRegistryAdmin;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.ServiceSummary;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard services}. */
@Command(name = "services", mixinStandardHelpOptions = true,
    description = "Lists every service: the applications providing it, its instances serving,"
        + " draining and invalid, and when its nodes last changed.")
public final class ServicesCommand extends AdminCommand {
  @Option(names = "--json", description = "Print JSON (see docs/admin.md for the shape).")
  boolean json;

  @Override
  public Integer call() {
    try (RegistrySession session = open()) {
      List<ServiceSummary> services = session.call(ZkRegistryAdmin::services);
      if (json) {
        ObjectNode root = Views.object();
        root.put("registry", session.redactedUri());
        ArrayNode list = root.putArray("services");
        services.forEach(service -> list.add(Views.service(service)));
        out().println(Views.pretty(root));
        return ExitCodes.OK;
      }
      if (services.isEmpty()) {
        out().println("No services in " + session.redactedUri() + ".");
        return ExitCodes.OK;
      }
      Ansi ansi = parent.ansi(false);
      Instant now = now();
      Table table = new Table("SERVICE", "APPLICATIONS", "SERVING", "DRAINING", "INVALID",
          "LAST CHANGE")
          .style(3, text -> text.equals("0") ? text : ansi.yellow(text))
          .style(4, text -> text.equals("0") ? text : ansi.red(text));
      for (ServiceSummary service : services) {
        table.row(service.service(), String.join(",", service.applications()), service.serving(),
            service.draining(), service.invalid(), Texts.ago(service.lastChange(), now));
      }
      table.print(out(), ansi);
      return ExitCodes.OK;
    }
  }
}
