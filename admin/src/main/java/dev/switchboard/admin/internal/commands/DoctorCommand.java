package dev.switchboard.admin.internal.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.internal.Ansi;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Table;
import dev.switchboard.admin.internal.Views;
import dev.switchboard.discovery.zk.ZkRegistryAdmin;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.Finding;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard doctor}. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Checks the registry: orphaned nodes, invalid payloads and why, duplicate"
        + " endpoints, ACLs. Exit code 1 when it finds an error (warnings alone: 0).")
public final class DoctorCommand extends AdminCommand {
  @Option(names = "--json", description = "Print JSON (see docs/admin.md for the shape).")
  boolean json;

  @Override
  public Integer call() {
    try (RegistrySession session = open()) {
      List<Finding> findings = session.call(ZkRegistryAdmin::doctor);
      long errors = findings.stream().filter(DoctorCommand::isError).count();
      long warnings = findings.size() - errors;
      if (json) {
        ObjectNode root = Views.object();
        root.put("registry", session.redactedUri());
        root.put("errors", errors);
        root.put("warnings", warnings);
        ArrayNode list = root.putArray("findings");
        findings.forEach(finding -> list.add(Views.finding(finding)));
        out().println(Views.pretty(root));
      } else if (findings.isEmpty()) {
        out().println("No problems found in " + session.redactedUri() + ".");
      } else {
        Ansi ansi = parent.ansi(false);
        Table table = new Table("SEVERITY", "PATH", "FINDING")
            .style(0, text -> text.equalsIgnoreCase("error") ? ansi.red(text) : ansi.yellow(text));
        findings.forEach(finding ->
            table.row(finding.severity(), finding.path(), finding.message()));
        table.print(out(), ansi);
        out().println(errors + (errors == 1 ? " error, " : " errors, ") + warnings
            + (warnings == 1 ? " warning" : " warnings") + " in " + session.redactedUri() + ".");
      }
      return errors > 0 ? ExitCodes.FINDING : ExitCodes.OK;
    }
  }

  private static boolean isError(Finding finding) {
    return "error".equalsIgnoreCase(finding.severity());
  }
}
