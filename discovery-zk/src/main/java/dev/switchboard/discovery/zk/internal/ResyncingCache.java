package dev.switchboard.discovery.zk.internal;

import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * A {@link CuratorCache} of one subtree that can be rebuilt from scratch. After a reconnect a
 * {@link #resync()} reads the whole subtree into a fresh cache, and swaps it in once complete;
 * until then the old contents keep serving. A resync does not rely on node versions, so it also
 * catches a node deleted and recreated while we were away (same name, same version 0, new data),
 * which an incremental cache refresh can miss.
 *
 * <p>Not thread-safe: created, used and notified on the registry executor.
 */
final class ResyncingCache implements AutoCloseable {
  private final CuratorFramework client;
  private final String path;
  private final Executor executor;
  private final Runnable onChange;
  private CuratorCache current;
  private CuratorCache replacement;
  private boolean initialized;
  private boolean closed;

  ResyncingCache(CuratorFramework client, String path, Executor executor, Runnable onChange) {
    this.client = client;
    this.path = path;
    this.executor = executor;
    this.onChange = onChange;
    this.current = newCache();
  }

  void start() {
    current.start();
  }

  private CuratorCache newCache() {
    CuratorCache cache = CuratorCache.build(client, path);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .afterInitialized()
        .forAll((type, before, after) -> RegistryExecutor.guarded("Handling a change under "
            + path, () -> {
              if (cache == current && initialized) {
                onChange.run();
              }
            }).run())
        .forInitialized(RegistryExecutor.guarded("Handling the first read of " + path,
            () -> initialized(cache)))
        .build(), executor);
    return cache;
  }

  private void initialized(CuratorCache cache) {
    if (closed) {
      return;
    }
    if (cache == replacement) {
      current.close();
      current = cache;
      replacement = null;
    } else if (cache != current) {
      return;
    }
    initialized = true;
    onChange.run();
  }

  /** Re-reads the subtree into a fresh cache that replaces this one when complete. */
  void resync() {
    if (closed) {
      return;
    }
    if (replacement != null) {
      replacement.close();
    }
    replacement = newCache();
    replacement.start();
  }

  /** Returns whether the first full read has completed. */
  boolean initialized() {
    return initialized;
  }

  /**
   * Returns whether a re-read started by {@link #resync()} has not completed yet (the old
   * contents still serve meanwhile).
   */
  boolean resyncing() {
    return replacement != null && !closed;
  }

  /** Returns the cached nodes (the subtree root included). */
  Stream<ChildData> stream() {
    return current.stream();
  }

  /** Closes the caches; idempotent. */
  @Override
  public void close() {
    closed = true;
    current.close();
    if (replacement != null) {
      replacement.close();
    }
  }
}
