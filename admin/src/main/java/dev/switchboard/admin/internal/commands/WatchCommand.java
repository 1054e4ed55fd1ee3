package dev.switchboard.admin.internal.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.Switchboard;
import dev.switchboard.admin.internal.Ansi;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.admin.internal.Views;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard watch SERVICE}. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Prints the instances of a service, then every change (added, removed, state,"
        + " weight, override), until Ctrl-C, --count updates or --duration.")
public final class WatchCommand extends AdminCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  @Parameters(index = "0", paramLabel = "SERVICE", description = "e.g. helloworld.Greeter")
  String service;

  @Option(names = "--json", description = "Print one JSON object per update (JSON lines).")
  boolean json;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N updates (the first,"
      + " the current instances, counts).")
  Integer count;

  @Option(names = "--duration", paramLabel = "DURATION",
      converter = Switchboard.DurationConverter.class,
      description = "Stop after this long (e.g. 30s).")
  Duration duration;

  @Override
  public Integer call() throws Exception {
    if (count != null && count < 1) {
      throw new dev.switchboard.admin.internal.AdminException(ExitCodes.NOT_FOUND,
          "--count " + count + " is out of range (allowed: 1 or more)");
    }
    try (RegistrySession session = open()) {
      Ansi ansi = parent.ansi(json);
      PrintStream out = out();
      CountDownLatch done = new CountDownLatch(1);
      AtomicInteger updates = new AtomicInteger();
      Map<String, InstanceView> previous = new LinkedHashMap<>();
      Object lock = new Object();
      if (!json) {
        out.println("Watching " + Texts.terminal(service) + " in " + session.redactedUri()
            + (count == null && duration == null ? " (Ctrl-C to stop)" : "") + ":");
      }
      AutoCloseable watch = session.call(admin -> admin.watch(service, instances -> {
        synchronized (lock) {
          if (done.getCount() == 0) {
            return;
          }
          int update = updates.incrementAndGet();
          if (json) {
            ObjectNode line = Views.object();
            line.put("time", java.time.Instant.now().toString());
            line.put("service", service);
            line.put("update", update);
            ArrayNode list = line.putArray("instances");
            instances.forEach(instance -> list.add(Views.instance(instance)));
            out.println(Views.compact(line));
          } else {
            printChanges(out, ansi, update == 1, previous, instances);
          }
          out.flush();
          previous.clear();
          instances.forEach(instance -> previous.put(instance.instanceId(), instance));
          if (count != null && update >= count) {
            done.countDown();
          }
        }
      }));
      Thread hook = new Thread(() -> {
        done.countDown();
        closeQuietly(watch);
      }, "switchboard-watch-stop");
      boolean hooked = addHook(hook);
      try {
        if (duration != null) {
          done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } else {
          done.await();
        }
      } finally {
        done.countDown();
        closeQuietly(watch);
        if (hooked) {
          removeHook(hook);
        }
      }
      return ExitCodes.OK;
    }
  }

  private static void printChanges(PrintStream out, Ansi ansi, boolean first,
      Map<String, InstanceView> previous, List<InstanceView> instances) {
    String time = LocalTime.now().format(TIME);
    if (first) {
      long serving = instances.stream().filter(i -> Views.state(i).equals("SERVING")).count();
      long draining = instances.stream().filter(i -> Views.state(i).equals("DRAINING")).count();
      out.println(time + "  " + instances.size() + " instances: " + serving + " serving, "
          + draining + " draining, " + (instances.size() - serving - draining) + " invalid");
      for (InstanceView instance : instances) {
        out.println(time + "  = " + describe(instance, ansi));
      }
      return;
    }
    boolean any = false;
    for (InstanceView instance : instances) {
      InstanceView before = previous.get(instance.instanceId());
      if (before == null) {
        out.println(time + "  + " + describe(instance, ansi));
        any = true;
        continue;
      }
      String id = Texts.terminal(instance.instanceId());
      if (!Views.state(before).equals(Views.state(instance))) {
        out.println(time + "  ~ " + id + "  " + ansi.state(Views.state(before)) + " → "
            + ansi.state(Views.state(instance)));
        any = true;
      }
      if (before.effectiveWeight() != instance.effectiveWeight()) {
        out.println(time + "  ~ " + id + "  effective weight " + before.effectiveWeight()
            + " → " + instance.effectiveWeight());
        any = true;
      }
      if (!Views.overrideText(before).equals(Views.overrideText(instance))) {
        out.println(time + "  ~ " + id + "  override " + Views.overrideText(before) + " → "
            + Views.overrideText(instance));
        any = true;
      }
      if (before.weight() != instance.weight()
          || !Objects.equals(before.zone(), instance.zone())
          || !Objects.equals(before.version(), instance.version())
          || !Objects.equals(before.metadata(), instance.metadata())
          || !before.invalidReason().equals(instance.invalidReason())) {
        out.println(time + "  ~ " + describe(instance, ansi));
        any = true;
      }
    }
    for (InstanceView before : previous.values()) {
      if (instances.stream().noneMatch(i -> i.instanceId().equals(before.instanceId()))) {
        out.println(time + "  - " + Texts.terminal(before.instanceId()) + "  "
            + Texts.terminal(Views.address(before)) + "  left the registry");
        any = true;
      }
    }
    if (!any) {
      out.println(time + "  (an update with no visible change)");
    }
  }

  private static String describe(InstanceView instance, Ansi ansi) {
    String pending = Views.pending(instance);
    return Texts.terminal(instance.instanceId()) + "  " + Texts.terminal(Views.address(instance))
        + "  " + ansi.state(Views.state(instance))
        + (pending.isEmpty() ? "" : " (" + pending + ")")
        + "  weight " + instance.effectiveWeight()
        + (instance.effectiveWeight() != instance.weight()
            ? " (published " + instance.weight() + ")" : "")
        + instance.invalidReason().map(reason -> "  invalid: " + Texts.terminal(reason))
            .orElse("");
  }

  private static boolean addHook(Thread hook) {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return true;
    } catch (IllegalStateException e) {
      return false; // shutting down already
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs anyway
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
