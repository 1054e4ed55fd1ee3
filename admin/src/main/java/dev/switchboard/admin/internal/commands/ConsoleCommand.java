package dev.switchboard.admin.internal.commands;

import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.Switchboard;
import dev.switchboard.admin.console.Console;
import dev.switchboard.admin.internal.AdminException;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.rpc.registry.RegistryUris;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard console}. */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = {"Serves the web console: services, instances, the traffic split and the"
        + " registry's health, live; drain, enable and weight behind a confirmation and the"
        + " console token. Runs until Ctrl-C.",
        "Bound to 127.0.0.1 unless --bind says otherwise. Without the token it only reads."})
public final class ConsoleCommand extends AdminCommand {
  @Option(names = "--port", defaultValue = "8088", paramLabel = "PORT",
      description = "The port (default: ${DEFAULT-VALUE}; 0 for any free one).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:SWITCHBOARD_CONSOLE_TOKEN}",
      description = "The token actions need (default: $SWITCHBOARD_CONSOLE_TOKEN, else a random"
          + " one printed once at start).")
  String token;

  @Option(names = "--read-only", description = "No actions at all, token or not.")
  boolean readOnly;

  @Option(names = "--metrics", paramLabel = "URL",
      description = "A Prometheus endpoint (a consumer's, or a provider's serving one instance)"
          + " to show the observed traffic split from; repeatable.")
  List<String> metrics = new ArrayList<>();

  @Option(names = "--allow-host", paramLabel = "NAME",
      description = "Another host name the console is reached by (behind a tunnel or proxy);"
          + " repeatable.")
  List<String> allowHosts = new ArrayList<>();

  @Option(names = "--run-for", hidden = true, converter = Switchboard.DurationConverter.class,
      description = "Stop after this long (tests).")
  Duration runFor;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new AdminException(ExitCodes.NOT_FOUND, "port " + port
          + " is out of range (allowed: 0..65535)");
    }
    if (token != null && token.isBlank()) {
      token = null;
    }
    if (token != null && token.length() < 8) {
      throw new AdminException(ExitCodes.NOT_FOUND,
          "the console token must have at least 8 characters");
    }
    List<URI> targets = new ArrayList<>();
    for (String metric : metrics) {
      try {
        URI target = new URI(metric);
        if (target.getScheme() == null || !target.getScheme().startsWith("http")
            || target.getHost() == null) {
          throw new URISyntaxException(metric, "not an http(s) URL");
        }
        targets.add(target);
      } catch (URISyntaxException e) {
        throw new AdminException(ExitCodes.USAGE, "--metrics '"
            + Texts.terminal(RegistryUris.redact(metric))
            + "' is not an http(s) URL (e.g. http://127.0.0.1:9464/metrics)");
      }
    }
    try (RegistrySession session = open()) {
      Console.Builder builder = Console.builder(session).bind(bind).port(port).token(token)
          .readOnly(readOnly).who(parent.who(session.config())).log(out());
      targets.forEach(builder::metrics);
      allowHosts.forEach(builder::allowHost);
      Console console;
      try {
        console = builder.start();
      } catch (IOException e) {
        throw new AdminException(ExitCodes.FINDING, "cannot listen on " + Texts.terminal(bind)
            + ":" + port + ": " + Texts.oneLine(e.getMessage()));
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        console.close();
        stopped.countDown();
      }, "switchboard-console-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      out().println("Switchboard console at " + console.url() + " for "
          + session.redactedUri() + (readOnly ? " (read-only)" : ""));
      if (!readOnly && token == null) {
        out().println("Console token (actions ask for it; shown only now): " + console.token());
      } else if (!readOnly) {
        out().println("Actions ask for the token given with --token.");
      }
      out().println("Ctrl-C to stop.");
      out().flush();
      try {
        if (runFor != null) {
          stopped.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
        } else {
          stopped.await();
        }
      } finally {
        console.close();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down
        }
      }
      return ExitCodes.OK;
    }
  }
}
