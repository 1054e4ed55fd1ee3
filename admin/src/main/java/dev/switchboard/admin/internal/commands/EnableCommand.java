package dev.switchboard.admin.internal.commands;

import picocli.CommandLine.Command;

/** {@code switchboard enable INSTANCE}. */
@Command(name = "enable", mixinStandardHelpOptions = true,
    description = "Enables a drained instance again: the provider publishes SERVING and"
        + " consumers send it calls. Audited like drain.")
public final class EnableCommand extends StateChangeCommand {
  @Override
  boolean drain() {
    return false;
  }
}
