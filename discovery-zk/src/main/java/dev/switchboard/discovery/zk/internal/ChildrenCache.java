package dev.switchboard.discovery.zk.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The direct children of one ZooKeeper node (and, if asked, their data), followed by one
 * persistent recursive watch. Every registry subtree is one level deep, so this reads only what
 * a consumer uses: {@code CuratorCache} would also list the children of every leaf and read the
 * parent's data, twice the requests, and after a reconnect it re-reads everything on its own
 * while its version-based comparison still needs a second, fresh read to be safe.
 *
 * <p>The watch is set and then the children read in full: at {@link #start()} and at each
 * {@link #resync()} (the registry calls it on every connection and reconnection), so no change
 * falls between a read and the watch. A re-read is incremental: children are replaced only where
 * their zxids or data differ, and a listener hears only of real differences. Comparing data as
 * well as zxids keeps it right even against a rebuilt ensemble whose zxids start again;
 * comparing versions alone would miss a node deleted and recreated while we were away (same
 * name, version 0, new data). Nothing is cleared before a re-read, and its changes are
 * announced once, when every reply is in, so a listener never acts on a half-read subtree (an
 * expired node gone from the listing before its replacement's data arrives).
 *
 * <p>Events and replies are handed to the registry executor in the order ZooKeeper delivers
 * them, which is the order the server applied them; they are applied in that order.
 *
 * <p>Not thread-safe: created, used and notified on the registry executor.
 */
final class ChildrenCache implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ChildrenCache.class);

  /** One child: its data and zxids, or only its name (zxids 0) for a cache without data. */
  record Child(String name, String path, byte[] data, long czxid, long mzxid) {
    boolean sameAs(Child other) {
      return czxid == other.czxid && mzxid == other.mzxid && Arrays.equals(data, other.data);
    }
  }

  private final CuratorFramework client;
  private final String parent;
  private final boolean withData;
  private final Executor executor;
  private final Runnable onChange;
  private final Runnable onResynced;
  private final Watcher watcher;
  private final Map<String, Child> children = new HashMap<>();
  private final Collection<Child> view = Collections.unmodifiableCollection(children.values());
  private int outstanding; // requests of the latest pass issued and not answered
  private int pass; // the number of the latest watch-and-read
  private boolean readIncomplete; // a request of the latest pass failed on the connection
  private boolean resyncPending; // a re-read whose completion is still to be announced
  private boolean changedInPass; // a change seen during that re-read, announced at its end
  private boolean retryWhenIdle; // the first read is to be retried if it ends incomplete
  private boolean initialized;
  private boolean closed;

  /**
   * A cache of {@code parent}'s children, reading their data if {@code withData}, running
   * {@code onChange} on {@code executor} after the first full read and after each change since,
   * and {@code onResynced} when a re-read after {@link #resync()} completes (changed or not).
   */
  ChildrenCache(CuratorFramework client, String parent, boolean withData, Executor executor,
      Runnable onChange, Runnable onResynced) {
    this.client = client;
    this.parent = parent;
    this.withData = withData;
    this.executor = executor;
    this.onChange = onChange;
    this.onResynced = onResynced;
    this.watcher = event -> executor.execute(() -> event(event));
  }

  /** Sets the watch and reads the children. */
  void start() {
    watchAndRead();
  }

  /**
   * Sets the watch again and reads every child again (after a reconnect: the watch is gone with
   * an expired session, and changes made meanwhile were not seen); {@link #resyncing()} holds
   * until that read completes.
   */
  void resync() {
    if (!closed) {
      resyncPending = initialized;
      watchAndRead();
    }
  }

  /**
   * Reads again if the first read is over without success (it failed on the connection, the
   * session not yet established); for the first connection, which is no reconnection.
   */
  void retryIfUnread() {
    if (closed || initialized) {
      return;
    }
    if (outstanding == 0) {
      watchAndRead();
    } else {
      retryWhenIdle = true; // a request queued before the connection may still give up
    }
  }

  /** Returns whether the first full read has completed. */
  boolean initialized() {
    return initialized;
  }

  /**
   * Returns whether a re-read asked for by {@link #resync()} has not completed yet (or a request
   * of it failed on the connection, to be repeated at the next resync).
   */
  boolean resyncing() {
    return !closed && initialized && resyncPending;
  }

  /** Returns the children now cached: a live view, to be read on the executor only. */
  Collection<Child> children() {
    return view;
  }

  private void watchAndRead() {
    pass++;
    outstanding = 0; // an earlier pass's requests no longer count
    readIncomplete = false;
    // (callback, context, executor): Curator's add-watch builder takes a two-argument call's
    // executor for a context and runs the callback on ZooKeeper's thread
    issue(true, watching -> client.watchers().add()
            .withMode(AddWatchMode.PERSISTENT_RECURSIVE)
            .inBackground(watching, null, executor).usingWatcher(watcher).forPath(parent),
        reply -> {
          if (ok(reply)) {
            readChildren(true);
          }
        });
  }

  private void event(WatchedEvent event) {
    String path = event.getPath();
    if (closed || path == null) {
      return; // a connection event: the registry resyncs on reconnection
    }
    if (path.equals(parent)) {
      switch (event.getType()) {
        case NodeCreated -> readChildren(false);
        case NodeDeleted -> removeAll();
        default -> { }
      }
      return;
    }
    if (!ZKPaths.getPathAndNode(path).getPath().equals(parent)) {
      return; // deeper than the registry layout goes
    }
    String name = ZKPaths.getNodeFromPath(path);
    switch (event.getType()) {
      case NodeCreated, NodeDataChanged -> {
        if (withData) {
          readData(name, false);
        } else {
          put(new Child(name, path, null, 0, 0));
        }
      }
      case NodeDeleted -> remove(name);
      default -> { }
    }
  }

  private void readChildren(boolean ofPass) {
    issue(ofPass, listing -> client.getChildren().inBackground(listing, executor)
        .forPath(parent), reply -> {
          if (ok(reply)) {
            listed(reply.getChildren(), ofPass);
          } else if (isNoNode(reply)) {
            removeAll(); // no parent yet: no children; its creation is an event
          }
        });
  }

  private void listed(List<String> names, boolean ofPass) {
    Set<String> listed = new HashSet<>(names);
    boolean changed = children.keySet().retainAll(listed);
    for (String name : names) {
      if (withData) {
        readData(name, ofPass);
      } else if (!children.containsKey(name)) {
        children.put(name, new Child(name, ZKPaths.makePath(parent, name), null, 0, 0));
        changed = true;
      }
    }
    if (changed) {
      changed();
    }
  }

  private void readData(String name, boolean ofPass) {
    String path = ZKPaths.makePath(parent, name);
    issue(ofPass, reading -> client.getData().inBackground(reading, executor).forPath(path),
        reply -> {
          if (ok(reply)) {
            Stat stat = reply.getStat();
            put(new Child(name, path, reply.getData(), stat.getCzxid(), stat.getMzxid()));
          } else if (isNoNode(reply)) {
            remove(name);
          }
        });
  }

  private interface Request {
    void send(BackgroundCallback callback) throws Exception;
  }

  /**
   * Sends {@code request}, its reply handled by {@code onReply} on the executor. A request
   * {@code ofPass} belongs to the latest watch-and-read: the pass ends when none of its requests
   * is outstanding, and a failure of one on the connection leaves it incomplete. Requests for
   * events, and those of an earlier pass, only apply their answers.
   */
  private void issue(boolean ofPass, Request request, Consumer<CuratorEvent> onReply) {
    int issuedIn = ofPass ? pass : -1;
    BackgroundCallback callback = (curator, reply) -> {
      boolean counted = issuedIn == pass;
      if (counted) {
        outstanding--;
      }
      if (closed) {
        return;
      }
      if (counted && isConnectionFailure(reply)) {
        readIncomplete = true; // read again at the next resync, after the reconnect
      }
      onReply.accept(reply);
      if (counted) {
        completeIfIdle();
      }
    };
    if (ofPass) {
      outstanding++;
    }
    try {
      request.send(callback);
    } catch (Exception e) {
      logger.warn("Could not read {} from ZooKeeper: {}", parent, e.toString());
      if (ofPass) {
        outstanding--;
        readIncomplete = true;
        completeIfIdle();
      }
    }
  }

  /** Once no request of the pass is outstanding: its end, announced once. */
  private void completeIfIdle() {
    if (outstanding > 0 || closed) {
      return;
    }
    if (!initialized) {
      if (!readIncomplete) {
        initialized = true;
        onChange.run();
      } else if (retryWhenIdle) {
        retryWhenIdle = false;
        watchAndRead();
      }
    } else if (changedInPass || (resyncPending && !readIncomplete)) {
      boolean changed = changedInPass;
      changedInPass = false;
      resyncPending &= readIncomplete;
      (changed ? onChange : onResynced).run();
    }
  }

  /**
   * Returns whether {@code reply} holds an answer (false for NONODE and for failures). A failure
   * other than on the connection skips the node, with a warning.
   */
  private boolean ok(CuratorEvent reply) {
    KeeperException.Code code = KeeperException.Code.get(reply.getResultCode());
    if (code != KeeperException.Code.OK && code != KeeperException.Code.NONODE
        && !isConnectionFailure(reply)) {
      logger.warn("Could not read {} from ZooKeeper ({}); skipping it", reply.getPath(), code);
    }
    return code == KeeperException.Code.OK;
  }

  private static boolean isNoNode(CuratorEvent reply) {
    return reply.getResultCode() == KeeperException.Code.NONODE.intValue();
  }

  private static boolean isConnectionFailure(CuratorEvent reply) {
    return switch (KeeperException.Code.get(reply.getResultCode())) {
      case CONNECTIONLOSS, SESSIONEXPIRED, SESSIONMOVED, OPERATIONTIMEOUT -> true;
      default -> false;
    };
  }

  private void put(Child child) {
    Child old = children.put(child.name(), child);
    if (old == null || !old.sameAs(child)) {
      changed();
    }
  }

  private void remove(String name) {
    if (children.remove(name) != null) {
      changed();
    }
  }

  private void removeAll() {
    if (!children.isEmpty()) {
      children.clear();
      changed();
    }
  }

  private void changed() {
    if (!initialized) {
      return;
    }
    if (resyncPending && outstanding > 0) {
      changedInPass = true; // announced once the whole re-read is in: no half-read view
    } else {
      onChange.run();
    }
  }

  /** Removes the watch and forgets the children; idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      children.clear();
      try {
        client.watchers().remove(watcher).guaranteed().inBackground().forPath(parent);
      } catch (Exception e) {
        logger.debug("Could not remove the watch on {}: {}", parent, e.toString());
      }
    }
  }
}
