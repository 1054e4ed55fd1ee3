package dev.switchboard.discovery.zk.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread a ZooKeeper registry does its work on. Every task runs guarded: whatever it
 * throws is logged at WARN, with the exception, and goes no further. A plain
 * {@link java.util.concurrent.ScheduledExecutorService} would instead cancel a periodic task
 * whose run throws (silently ending the registrations' self-check) and hide a one-shot task's
 * failure in a future nobody reads.
 *
 * <p>Tasks handed over after {@link #shutdown()} are dropped (logged at DEBUG): the registry is
 * closed and they are moot, and a Curator thread delivering a late event must never see a
 * {@link java.util.concurrent.RejectedExecutionException}. Delayed tasks do not run after
 * shutdown.
 *
 * <p>Thread-safe.
 */
final class RegistryExecutor extends ScheduledThreadPoolExecutor {
  private static final Logger logger = LoggerFactory.getLogger(RegistryExecutor.class);

  private final String description;

  /** Creates the executor of the registry {@code description} (used in log messages). */
  RegistryExecutor(String description) {
    super(1, runnable -> {
      Thread thread = new Thread(runnable, "switchboard-zk-registry");
      thread.setDaemon(true);
      return thread;
    }, (task, executor) -> logger.debug("Registry {} is closed; dropping a task", description));
    this.description = description;
    // Closing must not wait for timers (unreachability reports, retries) that are now moot.
    setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    setRemoveOnCancelPolicy(true);
  }

  /**
   * Returns {@code task} wrapped so that whatever it throws is logged at WARN, with the
   * exception, naming {@code what}, and not rethrown.
   */
  static Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        logger.warn("{} failed; carrying on (the next event or self-check retries)", what, e);
      }
    };
  }

  private Runnable guarded(Runnable task) {
    return guarded("A task of registry " + description, task);
  }

  // execute(Runnable) and submit(Runnable) both come here.
  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return super.schedule(guarded(command), delay, unit);
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    return super.submit(guarded(task), result);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay,
      long period, TimeUnit unit) {
    return super.scheduleAtFixedRate(guarded(command), initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay,
      long delay, TimeUnit unit) {
    return super.scheduleWithFixedDelay(guarded(command), initialDelay, delay, unit);
  }

  // Callables keep their exceptions: their caller reads the future.
  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return super.schedule(callable, delay, unit);
  }
}
