package dev.switchboard.discovery.zk.internal;

import dev.switchboard.discovery.zk.ZkRegistryAdmin.Change;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one instance node in ZooKeeper until closed. All ZooKeeper work runs on the registry's
 * own executor, never on Curator's threads; failures retry forever with jittered exponential
 * backoff (100 ms to 5 s).
 *
 * <p>{@link #ensure()} is idempotent and owner-checked: a node owned by our current session is
 * left alone (or its data updated), so a reconnect that keeps the session causes no delete/create
 * flap; a node left by an earlier session of ours is replaced atomically (multi: delete + create).
 * It runs on start; after the first connection and after every reconnection, unless the session
 * that last checked the node is the current one (and no write is waiting for a retry, and the
 * client re-sets its watches on reconnecting); when our node is deleted or its data changed;
 * and periodically as a self-check. Every run is a task of the registry's guarded executor, and
 * an unexpected failure is logged and retried like a ZooKeeper error, so no failure ends the
 * registration's upkeep.
 *
 * <p>The service entries {@code /v1/services/{service}/{app}} of the instance are created when
 * missing. The registry's {@link ServiceEntries} spares the check of an entry already seen in the
 * session (by this or another registration); a node recreated after a deletion checks its entries
 * again, and every self-check checks them all.
 *
 * <p>The registration also follows the operator override of its instance
 * ({@code /v1/overrides/{app}/{instanceId}}, see {@code ZkRegistryAdmin}): while it says drain,
 * the node is published {@link InstanceState#DRAINING}, and in the provider's own state again
 * once it is enabled (or removed), logged at INFO with who changed it and when. The override is
 * read with a watch at every {@link #ensure()} (so on start, after a reconnect that did not keep
 * the verified session, and at every self-check) and again whenever the watch fires. An
 * override that cannot be read or is not valid changes nothing (a warning, once per node
 * version), and never stops the registration.
 * {@link #instance()} stays the provider's own record: the drain is the operator's, not the
 * provider's.
 *
 * <p>Every write that creates the node again after it had existed (it was deleted, or expired
 * with an earlier session and was gone or replaced) is reported to {@code onReRegistered}, for
 * the registry's health; the first creation is not, nor is adopting or updating a node our
 * session already owns.
 *
 * <p>Thread-safe.
 */
final class ZkRegistration implements Registration {
  private static final Logger logger = LoggerFactory.getLogger(ZkRegistration.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final CuratorFramework client;
  private final ScheduledExecutorService executor;
  private final ServiceEntries serviceEntries;
  private final Runnable onClose;
  private final Runnable onReRegistered;
  private final String path;
  private final String overridePath;
  private final Watcher nodeWatcher = this::onNodeEvent;
  private final Watcher overrideWatcher = this::onOverrideEvent;
  private volatile ProviderInstance instance;
  private volatile boolean closed;
  // Only touched on the executor.
  private long backoffMs = MIN_BACKOFF_MS;
  private ScheduledFuture<?> retry;
  private boolean registeredOnce;
  private boolean nodeExisted; // our node has been seen or written in ZooKeeper at least once
  private long verifiedSession; // the session that last wrote or checked our node, 0 if none
  private boolean drainedByOperator; // the override says drain
  private String overrideProblem; // the last warning about the override node, not repeated
  private final CountDownLatch registered = new CountDownLatch(1);

  ZkRegistration(CuratorFramework client, ScheduledExecutorService executor,
      ServiceEntries serviceEntries, ProviderInstance instance, Runnable onClose,
      Runnable onReRegistered) {
    this.client = client;
    this.executor = executor;
    this.serviceEntries = serviceEntries;
    this.instance = instance;
    this.onClose = onClose;
    this.onReRegistered = onReRegistered;
    this.path = RegistryLayout.instance(instance.application(), instance.instanceId());
    this.overridePath = RegistryLayout.override(instance.application(), instance.instanceId());
    InstanceCodec.encode(instance); // fail now, not in the background, if it is too large
  }

  @Override
  public ProviderInstance instance() {
    return instance;
  }

  @Override
  public void update(ProviderInstance updated) {
    instance.checkUpdate(updated);
    InstanceCodec.encode(updated);
    instance = updated;
    scheduleEnsure();
  }

  /** Returns the path of the instance node. */
  String path() {
    return path;
  }

  /** Schedules {@link #ensure()} on the executor. */
  void scheduleEnsure() {
    if (!closed) {
      executor.execute(this::ensure);
    }
  }

  /**
   * Schedules {@link #ensure()} after the client connected or reconnected, unless the session
   * that last checked our node (and set the override's watch) is the current one, no write is
   * waiting for a retry, and the client re-sets its watches on reconnecting: the ephemeral node
   * lives as long as the session does, and a deletion during an outage fires the node's watch
   * when the client sets its watches again. So a ZooKeeper restart within the session timeout
   * costs a thousand providers no requests at all, and registrations made before the first
   * connection, which register as soon as it is up, are not checked again when its event
   * arrives.
   */
  void connected() {
    if (closed) {
      return;
    }
    executor.execute(() -> {
      boolean retrying = retry != null && !retry.isDone();
      if (retrying || verifiedSession == 0 || verifiedSession != currentSession()
          || !watchesResetOnReconnect()) {
        ensure();
      }
    });
  }

  // The client sets its watches again on reconnecting unless told not to
  // (zookeeper.disableAutoWatchReset); then a deletion meanwhile would go unseen.
  private boolean watchesResetOnReconnect() {
    try {
      return !client.getZookeeperClient().getZooKeeper().getClientConfig()
          .getBoolean(ZKClientConfig.DISABLE_AUTO_WATCH_RESET);
    } catch (Exception e) {
      return false;
    }
  }

  private long currentSession() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return 0; // unknown: ensure, which retries
    }
  }

  private void ensure() {
    if (closed) {
      return;
    }
    ProviderInstance current = instance;
    try {
      boolean overrideWatched = readOverride();
      byte[] data = InstanceCodec.encode(published(current));
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      ensureServiceEntries(current, session, false);
      // A first registration creates at once (one request, not two); a node already there is
      // ours from a create whose answer was lost, or an earlier session's.
      Stat stat = nodeExisted ? client.checkExists().forPath(path) : null;
      boolean created = false;
      if (stat == null) {
        try {
          client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
              .forPath(path, data);
          created = true;
        } catch (KeeperException.NodeExistsException exists) {
          stat = client.checkExists().forPath(path);
          if (stat == null) {
            throw exists; // gone again meanwhile: retry
          }
        }
      }
      if (created) {
        if (nodeExisted) {
          // Whoever deleted the node may have deleted its service entries too.
          ensureServiceEntries(current, session, true);
          onReRegistered.run();
          logger.info("Re-registered {} at {} (its node was gone)", current.instanceId(), path);
        } else {
          logger.info("Registered {} at {}", current.instanceId(), path);
        }
      } else if (stat.getEphemeralOwner() == session) {
        byte[] published = client.getData().forPath(path);
        if (!Arrays.equals(published, data)) {
          client.setData().withVersion(stat.getVersion()).forPath(path, data);
          logger.info("Updated {} ({})", current.instanceId(), published(current).state());
        }
      } else {
        // Our incarnation id, owned by an earlier session of ours: replace it in one step.
        List<CuratorOp> replace = List.of(
            client.transactionOp().delete().withVersion(stat.getVersion()).forPath(path),
            client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(path, data));
        client.transaction().forOperations(replace);
        onReRegistered.run();
        logger.info("Re-registered {} (replaced the node of expired session 0x{})",
            current.instanceId(), Long.toHexString(stat.getEphemeralOwner()));
      }
      nodeExisted = true;
      // Watch the node we now own, so a deletion by anyone triggers repair. If it is already
      // gone again, the watch would only see a creation: repair now instead.
      if (client.checkExists().usingWatcher(nodeWatcher).forPath(path) == null) {
        logger.warn("Instance node {} vanished just after it was written; registering again",
            path);
        executor.execute(this::ensure);
        return;
      }
      registeredOnce = true;
      verifiedSession = overrideWatched ? session : 0; // else a reconnect must read it again
      registered.countDown();
      backoffMs = MIN_BACKOFF_MS;
    } catch (Exception e) {
      if (closed) {
        return;
      }
      long delay = ThreadLocalRandom.current().nextLong(backoffMs / 2, backoffMs + 1);
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      if (e instanceof RuntimeException) {
        logger.warn("Unexpected failure registering {}; retrying in {} ms", current.instanceId(),
            delay, e);
      } else if (registeredOnce) {
        logger.warn("Cannot refresh registration of {} ({}); retrying in {} ms",
            current.instanceId(), e.toString(), delay);
      } else {
        logger.warn("Cannot register {} yet ({}); serving anyway, retrying in {} ms",
            current.instanceId(), e.toString(), delay);
      }
      if (retry != null) {
        retry.cancel(false);
      }
      retry = executor.schedule(this::ensure, delay, TimeUnit.MILLISECONDS);
    }
  }

  // Creates the entries /v1/services/{service}/{app} of current that are missing, skipping
  // those known to exist in session unless told to check again.
  private void ensureServiceEntries(ProviderInstance current, long session, boolean again)
      throws Exception {
    for (ExportedService service : current.services()) {
      String provider = RegistryLayout.provider(service.name(), current.application());
      if (!again && serviceEntries.known(provider, session)) {
        continue;
      }
      if (client.checkExists().forPath(provider) == null) {
        try {
          client.create().creatingParentsIfNeeded().forPath(provider);
        } catch (KeeperException.NodeExistsException raced) {
          // another instance of the application created it first
        }
      }
      serviceEntries.seen(provider, session);
    }
  }

  /** Returns what to publish for {@code current}: DRAINING while the operator drains it. */
  private ProviderInstance published(ProviderInstance current) {
    return drainedByOperator && current.state() != InstanceState.DRAINING
        ? current.withState(InstanceState.DRAINING) : current;
  }

  // Reads the override node, leaving a watch on it (or on its creation); returns whether the
  // watch is set. Never throws: a node that cannot be read or is invalid leaves the drain as
  // it was.
  private boolean readOverride() {
    for (int attempt = 0; attempt < 3; attempt++) {
      Stat stat = new Stat();
      byte[] data;
      try {
        // exists first: overrides are rare, so this is usually the only request
        if (client.checkExists().usingWatcher(overrideWatcher).forPath(overridePath) == null) {
          applyOverride(null);
          return true;
        }
        data = client.getData().storingStatIn(stat).usingWatcher(overrideWatcher)
            .forPath(overridePath);
      } catch (KeeperException.NoNodeException deletedMeanwhile) {
        continue;
      } catch (Exception e) {
        overrideUnreadable(e);
        return false;
      }
      InstanceOverride override;
      try {
        override = OverrideCodec.decode(instance.instanceId(), data);
      } catch (InvalidPayloadException e) {
        warnAboutOverride("Ignoring invalid override node " + overridePath + " (version "
            + stat.getMzxid() + "): " + e.getMessage() + "; the instance stays "
            + (drainedByOperator ? "drained" : "enabled"));
        return true; // watched: a valid write will be seen
      }
      applyOverride(override);
      return true;
    }
    return false;
  }

  private void overrideUnreadable(Exception e) {
    warnAboutOverride("Cannot read override node " + overridePath + " (" + e
        + "); the instance stays " + (drainedByOperator ? "drained" : "enabled")
        + " until it can");
  }

  private void warnAboutOverride(String warning) {
    if (!warning.equals(overrideProblem)) {
      overrideProblem = warning;
      logger.warn("{}", warning);
    }
  }

  private void applyOverride(InstanceOverride override) {
    overrideProblem = null;
    boolean drain = override != null && override.drain();
    if (drain == drainedByOperator) {
      return;
    }
    drainedByOperator = drain;
    String by = override == null ? "its override node being removed"
        : override.lastChange().map(ZkRegistration::describe).orElse("an override without history");
    if (drain) {
      logger.info("Instance {} drained by {} (operator override {}); publishing DRAINING",
          instance.instanceId(), by, overridePath);
    } else {
      logger.info("Instance {} enabled by {} (operator override {}); publishing {}",
          instance.instanceId(), by, overridePath, instance.state());
    }
  }

  private static String describe(Change change) {
    return "'" + change.who() + "' at " + change.when() + " (" + change.change() + ")";
  }

  private void onOverrideEvent(WatchedEvent event) {
    if (event.getType() != Watcher.Event.EventType.None && !closed) {
      scheduleEnsure();
    }
  }

  @Override
  public boolean awaitRegistered(Duration timeout) throws InterruptedException {
    return registered.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void onNodeEvent(WatchedEvent event) {
    if (event.getType() == Watcher.Event.EventType.NodeDataChanged && !closed) {
      scheduleEnsure(); // recreated while we were away, or written by someone: check it
    }
    if (event.getType() == Watcher.Event.EventType.NodeDeleted && !closed) {
      logger.warn("Instance node {} was deleted; registering again", path);
      scheduleEnsure();
    }
  }

  /**
   * Deletes the node (if our session owns it), waiting up to {@code timeoutMs}; if ZooKeeper is
   * unreachable the node disappears with the session when the registry closes.
   */
  void close(long timeoutMs) {
    if (closed) {
      return;
    }
    closed = true;
    Future<?> deletion = executor.submit(() -> {
      if (retry != null) {
        retry.cancel(false);
      }
      try {
        Stat stat = client.checkExists().forPath(path);
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        if (stat != null && stat.getEphemeralOwner() == session) {
          client.delete().withVersion(stat.getVersion()).forPath(path);
          logger.info("Deregistered {}", path);
        }
        // An application gone from this process may have its entries pruned: check them anew.
        for (ExportedService service : instance.services()) {
          serviceEntries.forget(RegistryLayout.provider(service.name(), instance.application()));
        }
      } catch (Exception e) {
        logger.warn("Cannot deregister {} ({}); it expires with the session", path, e.toString());
      }
    });
    try {
      deletion.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      logger.warn("Deregistration of {} failed; it expires with the session", path,
          e.getCause());
    } catch (TimeoutException e) {
      logger.warn("Deregistration of {} did not finish in {} ms", path, timeoutMs);
    }
    onClose.run();
  }

  @Override
  public void close() {
    close(5_000);
  }
}
