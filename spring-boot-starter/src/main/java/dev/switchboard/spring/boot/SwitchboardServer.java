package dev.switchboard.spring.boot;

import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.RpcService;
import dev.switchboard.rpc.Telemetry;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.spring.boot.internal.SettingsCompiler;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.env.Environment;

/**
 * The context's {@link RpcServer}: built from every bean annotated {@link RpcService} and the
 * {@code switchboard.server.*} properties.
 *
 * <ul>
 *   <li>It starts serving with the context's other lifecycles (the port is bound, so a bad port
 *       fails the start), but registers only when the application is ready
 *       ({@link ApplicationReadyEvent}): consumers find it once it can take calls.
 *   <li>Readiness follows registration: if the instance is not registered when Spring Boot
 *       declares the application ready (the registry is unreachable), readiness is set back to
 *       {@link ReadinessState#REFUSING_TRAFFIC} until it is.
 *   <li>It stops inside the context's graceful shutdown, in the web server's shutdown phase:
 *       the instance is published DRAINING, consumers move away during the drain period, it
 *       deregisters, stops accepting calls (GOAWAY) and lets calls in flight finish within the
 *       grace period. Keep {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s by default)
 *       above drain period + grace.
 * </ul>
 *
 * <p>Without {@code @RpcService} beans it does nothing. Thread-safe.
 */
public class SwitchboardServer implements SmartLifecycle, SmartApplicationListener {
  /** The phase of Spring Boot's web server graceful shutdown: both drain together. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;
  private static final Logger logger = LoggerFactory.getLogger(SwitchboardServer.class);
  // How long to wait for Boot's ACCEPTING_TRAFFIC event to finish its round of the listeners.
  private static final long READINESS_DISPATCH_NANOS = java.util.concurrent.TimeUnit.SECONDS
      .toNanos(10);

  private final SwitchboardProperties properties;
  private final ObjectProvider<Registry> registry;
  private final Telemetry telemetry;
  private final ApplicationContext context;
  private final Environment environment;
  private final Object lock = new Object();
  private volatile RpcServer server;
  private volatile boolean running;
  private volatile boolean registers;
  private Thread readinessWatch;

  SwitchboardServer(SwitchboardProperties properties, ObjectProvider<Registry> registry,
      Telemetry telemetry, ApplicationContext context, Environment environment) {
    this.properties = properties;
    this.registry = registry;
    this.telemetry = telemetry;
    this.context = context;
    this.environment = environment;
  }

  /** Returns the running server, empty before start, after stop, or without services. */
  public Optional<RpcServer> server() {
    return Optional.ofNullable(server);
  }

  /** Returns whether the server registers in a registry (one is configured). */
  public boolean registers() {
    return registers;
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (running) {
        return;
      }
      Map<String, Object> services = context.getBeansWithAnnotation(RpcService.class);
      if (!services.isEmpty()) {
        server = build(services).start();
      }
      running = true;
    }
  }

  private RpcServer build(Map<String, Object> services) {
    RpcServer.Builder builder =
        SettingsCompiler.server(properties.getServer(), SettingsCompiler.Problems.FAIL)
            .telemetry(telemetry);
    Registry shared = registry.getIfAvailable();
    if (shared != null) {
      String application = properties.getApplication() != null ? properties.getApplication()
          : environment.getProperty("spring.application.name");
      if (application == null) {
        throw new IllegalStateException("@RpcService beans " + services.keySet() + " register"
            + " under an application name: set switchboard.application or"
            + " spring.application.name");
      }
      builder.registry(shared).application(application);
      registers = true;
    }
    services.forEach((name, bean) -> {
      if (AopUtils.isAopProxy(bean)) {
        throw new IllegalStateException("@RpcService bean '" + name + "' is an AOP proxy ("
            + bean.getClass().getName() + "): gRPC calls its methods directly, so serve the"
            + " target class without a proxy (move the advice into a gRPC ServerInterceptor)");
      }
      builder.addService(bean);
    });
    return builder.build();
  }

  @Override
  public boolean supportsEventType(Class<? extends ApplicationEvent> type) {
    return ApplicationReadyEvent.class.isAssignableFrom(type)
        || AvailabilityChangeEvent.class.isAssignableFrom(type);
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    RpcServer current = server;
    if (current == null || !running) {
      return;
    }
    if (event instanceof ApplicationReadyEvent ready
        && ready.getApplicationContext() == context) {
      current.register();
    } else if (event instanceof AvailabilityChangeEvent<?> change
        && change.getState() == ReadinessState.ACCEPTING_TRAFFIC && !current.registered()
        && current.registration() != null) {
      refuseUntilRegistered(current);
    }
  }

  private void refuseUntilRegistered(RpcServer current) {
    synchronized (lock) {
      if (readinessWatch != null && readinessWatch.isAlive()) {
        return;
      }
      Thread watch = new Thread(() -> holdReadiness(current), "switchboard-readiness");
      watch.setDaemon(true);
      watch.start();
      readinessWatch = watch;
    }
  }

  // Runs after the ACCEPTING_TRAFFIC event has reached every listener (publishing REFUSING from
  // inside that dispatch would be overwritten by the listeners that come after this one).
  private void holdReadiness(RpcServer current) {
    ApplicationAvailability availability = context.getBeanProvider(ApplicationAvailability.class)
        .getIfAvailable();
    try {
      long giveUp = System.nanoTime() + READINESS_DISPATCH_NANOS;
      while (running && availability != null
          && availability.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC
          && System.nanoTime() < giveUp) {
        Thread.sleep(10);
      }
      if (!running || current.registered()) {
        return;
      }
      logger.warn("Not registered yet: readiness is REFUSING_TRAFFIC until the registration"
          + " succeeds");
      AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
      while (running && !current.registration().awaitRegistered(Duration.ofSeconds(1))) {
        // wait on: the registry keeps trying in the background
      }
      if (running && current.registered()) {
        logger.info("Registered: readiness is ACCEPTING_TRAFFIC");
        AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop() {
    RpcServer current;
    synchronized (lock) {
      current = server;
      running = false;
      if (readinessWatch != null) {
        readinessWatch.interrupt();
      }
    }
    if (current != null) {
      current.close(); // DRAINING, drain, deregister, GOAWAY, grace; health says OUT_OF_SERVICE
      server = null;
    }
  }

  @Override
  public void stop(Runnable callback) {
    // On its own thread, so the web server's graceful shutdown in this phase runs alongside.
    Thread stopping = new Thread(() -> {
      try {
        stop();
      } finally {
        callback.run();
      }
    }, "switchboard-server-stop");
    stopping.start();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
