package dev.switchboard.admin;

import dev.switchboard.admin.internal.AdminException;
import dev.switchboard.admin.internal.Ansi;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.admin.internal.commands.ConsoleCommand;
import dev.switchboard.admin.internal.commands.DescribeCommand;
import dev.switchboard.admin.internal.commands.DoctorCommand;
import dev.switchboard.admin.internal.commands.DrainCommand;
import dev.switchboard.admin.internal.commands.EnableCommand;
import dev.switchboard.admin.internal.commands.InstancesCommand;
import dev.switchboard.admin.internal.commands.ServicesCommand;
import dev.switchboard.admin.internal.commands.WatchCommand;
import dev.switchboard.admin.internal.commands.WeightCommand;
import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.rpc.registry.RegistryUris;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code switchboard} command: an operator's view of a ZooKeeper registry and the
 * operator's overrides, on the command line and as a web console.
 *
 * <pre>
 * switchboard --registry zk://127.0.0.1:2181 services
 * switchboard --registry zk://ops:secret@zk1:2181/acme/prod drain 10.0.0.7-50051-k7f3q9x2
 * switchboard --registry zk://127.0.0.1:2181 console --port 8088
 * </pre>
 *
 * <p>{@link #run} is the whole command without {@code System.exit}, for tests and embedding;
 * {@link ExitCodes} lists what it returns.
 */
@Command(name = "switchboard", mixinStandardHelpOptions = true,
    versionProvider = Switchboard.Version.class,
    description = {"Operate a Switchboard registry: list services and instances, drain, enable"
        + " and re-weight instances, watch changes, check the registry, or serve the web console."},
    subcommands = {ServicesCommand.class, InstancesCommand.class, DescribeCommand.class,
        DrainCommand.class, EnableCommand.class, WeightCommand.class, WatchCommand.class,
        DoctorCommand.class, ConsoleCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:ok",
        "1:a finding (doctor found errors) or a failed operation",
        "2:usage error (unknown option, bad argument, invalid registry URI)",
        "3:the registry is unreachable",
        "4:not found, or input refused (a weight outside 1..10000)",
        "5:permission denied by the registry's ACLs"},
    footer = {"%nThe registry URI may carry digest credentials (zk://user:password@host:port/...)"
        + " and TLS parameters (?trustStore=...&trustStorePassword=...) as the library takes"
        + " them; the password is never printed. SWITCHBOARD_REGISTRY is used when --registry"
        + " is not given."})
public final class Switchboard implements Runnable {
  private final PrintStream out;
  private final PrintStream err;

  @Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--registry", scope = CommandLine.ScopeType.INHERIT, paramLabel = "URI", defaultValue = "${env:SWITCHBOARD_REGISTRY}",
      description = "The registry: zk://[user:password@]host:port[,host:port...][/chroot]"
          + "[?parameters] (default: $SWITCHBOARD_REGISTRY).")
  private String registry;

  @Option(names = "--as", scope = CommandLine.ScopeType.INHERIT, paramLabel = "NAME",
      description = "Who the audit records for drain, enable and weight (default: the"
          + " registry user of the URI, else the OS user).")
  private String who;

  @Option(names = "--connect-timeout", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "3s",
      converter = DurationConverter.class,
      description = "How long to wait for the registry before giving up with exit code 3"
          + " (default: ${DEFAULT-VALUE}; e.g. 500ms, 10s, PT1M).")
  private Duration connectTimeout;

  @Option(names = "--no-color", scope = CommandLine.ScopeType.INHERIT, description = "No colours, even on a terminal.")
  private boolean noColor;

  private Switchboard(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and exits with its exit code. */
  public static void main(String[] args) {
    quietLogging();
    int code = run(System.out, System.err, args);
    System.out.flush();
    System.exit(code);
  }

  /**
   * Runs the command with {@code args}, printing to {@code out} and {@code err}, and returns its
   * exit code ({@link ExitCodes}). Never exits the JVM.
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    Switchboard command = new Switchboard(out, err);
    CommandLine line = new CommandLine(command);
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setParameterExceptionHandler((exception, arguments) -> {
      CommandLine failed = exception.getCommandLine();
      String name = failed.getCommandSpec().qualifiedName();
      err.println("switchboard: " + Texts.oneLine(RegistryUris.redact(exception.getMessage()))
          + " (see '" + name + " --help')");
      return ExitCodes.USAGE;
    });
    line.setExecutionExceptionHandler((exception, failed, parseResult) -> {
      if (exception instanceof AdminException admin) {
        err.println("switchboard: " + admin.getMessage());
        return admin.exitCode();
      }
      err.println("switchboard: " + Texts.oneLine(RegistryUris.redact(
          exception.getMessage() == null ? exception.toString() : exception.getMessage())));
      return ExitCodes.FINDING;
    });
    return line.execute(args);
  }

  /** Keeps ZooKeeper's and Curator's connection chatter off the terminal unless asked for. */
  private static void quietLogging() {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.zookeeper", "off");
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.curator", "off");
    setIfAbsent("org.slf4j.simpleLogger.log.dev.switchboard", "error");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a command is required: services, instances, describe, drain, enable, weight, watch,"
            + " doctor or console");
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  /** Parses the registry URI (exit code 2 when invalid). */
  public ZkRegistryConfig registryConfig() {
    return RegistrySession.parse(registry, connectTimeout);
  }

  /** Opens a session on the registry (exit code 3 when it is unreachable in time). */
  public RegistrySession openRegistry() {
    return RegistrySession.open(registryConfig(), RegistryUris.redact(registry.strip()));
  }

  /** Returns who the audit records: {@code --as}, else the registry user, else the OS user. */
  public String who(ZkRegistryConfig config) {
    if (who != null && !who.isBlank()) {
      return who.strip();
    }
    return config.user().orElseGet(() -> {
      String user = System.getProperty("user.name");
      return user == null || user.isBlank() ? "unknown" : user;
    });
  }

  /** Returns the colours for output ({@code json}: none). */
  public Ansi ansi(boolean json) {
    return Ansi.forOutput(json, noColor);
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Converts {@code 500ms}, {@code 3s}, {@code PT3S}... */
  public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Texts.parseDuration(value);
    }
  }

  /** The version from the jar's manifest (or "development"). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Switchboard.class.getPackage().getImplementationVersion();
      return new String[] {"switchboard " + (version == null ? "0.1.0-SNAPSHOT" : version)};
    }
  }
}
