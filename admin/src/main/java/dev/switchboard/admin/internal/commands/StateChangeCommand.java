package dev.switchboard.admin.internal.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.Switchboard;
import dev.switchboard.admin.internal.Ansi;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.admin.internal.Views;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import dev.switchboard.rpc.InstanceState;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drain} and {@code enable}: write the override, optionally wait for the provider. */
abstract class StateChangeCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "INSTANCE", description = "An instance id (see"
      + " 'switchboard instances SERVICE').")
  String instanceId;

  @Option(names = "--wait", paramLabel = "DURATION", arity = "0..1", fallbackValue = "10s",
      converter = Switchboard.DurationConverter.class,
      description = "Wait until the provider publishes the new state (default 10s when given"
          + " without a value); exit code 1 if it does not in time.")
  Duration wait;

  @Option(names = "--json", description = "Print JSON (see docs/admin.md for the shape).")
  boolean json;

  abstract boolean drain();

  @Override
  public Integer call() {
    try (RegistrySession session = open()) {
      InstanceView before = requireInstance(session, instanceId);
      String who = parent.who(session.config());
      InstanceOverride override = session.call(admin -> drain()
          ? admin.drain(instanceId, who) : admin.enable(instanceId, who));
      InstanceState target = drain() ? InstanceState.DRAINING : InstanceState.SERVING;
      Optional<InstanceView> after = Optional.empty();
      long waitedMillis = 0;
      boolean reached = false;
      if (wait != null) {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        while (true) {
          after = session.call(admin -> admin.instance(instanceId));
          if (after.isEmpty() || after.get().state() == target) {
            reached = after.isPresent();
            break;
          }
          if (System.nanoTime() > deadline) {
            break;
          }
          sleep(50);
        }
        waitedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      }
      Ansi ansi = parent.ansi(json);
      String id = Texts.terminal(instanceId);
      if (json) {
        ObjectNode root = Views.object();
        root.put("registry", session.redactedUri());
        root.put("instanceId", instanceId);
        root.put("action", drain() ? "drain" : "enable");
        root.put("who", who);
        root.put("stateBefore", Views.state(before));
        root.set("override", Views.override(override));
        if (wait != null) {
          root.put("reached", reached);
          root.put("stateAfter", after.map(Views::state).orElse("GONE"));
        }
        out().println(Views.pretty(root));
      } else {
        boolean already = before.override().map(o -> o.drain() == drain()).orElse(!drain());
        if (already) {
          out().println(ansi.bold(id) + (drain() ? " was already drained" : " was not drained")
              + " by an override: nothing written.");
        } else {
          out().println((drain() ? "Drained " : "Enabled ") + ansi.bold(id) + " ("
              + Texts.terminal(before.application()) + ", "
              + Texts.terminal(Views.address(before)) + ") as " + Texts.terminal(who) + ": "
              + (drain() ? "the provider publishes DRAINING and consumers stop sending it new"
                  + " calls." : "the provider publishes SERVING and consumers send it calls"
                  + " again."));
        }
        if (wait != null) {
          if (reached) {
            out().println(id + " is " + ansi.state(target.name()) + " (after " + waitedMillis
                + " ms).");
          } else if (after.isEmpty()) {
            out().println(id + " has left the registry.");
          }
        }
      }
      if (wait != null && !reached && after.isPresent()) {
        err().println("switchboard: " + id + " still publishes " + Views.state(after.get())
            + " after " + Texts.duration(wait) + "; the override is written and the provider"
            + " applies it when it sees it");
        return ExitCodes.FINDING;
      }
      return ExitCodes.OK;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.switchboard.admin.internal.AdminException(ExitCodes.FINDING, "interrupted");
    }
  }
}
