package dev.switchboard.admin.internal.commands;

import picocli.CommandLine.Command;

/** {@code switchboard drain INSTANCE}. */
@Command(name = "drain", mixinStandardHelpOptions = true,
    description = "Drains an instance: writes the operator's override, the provider publishes"
        + " DRAINING and consumers stop sending it new calls (calls in flight finish). Audited"
        + " with --as (or the registry user, or the OS user).")
public final class DrainCommand extends StateChangeCommand {
  @Override
  boolean drain() {
    return true;
  }
}
