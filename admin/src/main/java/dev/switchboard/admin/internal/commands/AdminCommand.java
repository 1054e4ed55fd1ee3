package dev.switchboard.admin.internal.commands;

import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.Switchboard;
import dev.switchboard.admin.internal.AdminException;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** What every subcommand shares: the parent's options, the streams, opening the registry. */
abstract class AdminCommand implements Callable<Integer> {
  @ParentCommand
  Switchboard parent;

  PrintStream out() {
    return parent.out();
  }

  PrintStream err() {
    return parent.err();
  }

  RegistrySession open() {
    return parent.openRegistry();
  }

  static Instant now() {
    return Instant.now();
  }

  /** Returns the instance or fails with exit code 4. */
  static InstanceView requireInstance(RegistrySession session, String instanceId) {
    return session.call(admin -> admin.instance(instanceId)).orElseThrow(() ->
        new AdminException(ExitCodes.NOT_FOUND, "no instance '"
            + dev.switchboard.admin.internal.Texts.terminal(instanceId) + "' in the registry "
            + session.redactedUri() + " (see 'switchboard instances SERVICE')"));
  }
}
