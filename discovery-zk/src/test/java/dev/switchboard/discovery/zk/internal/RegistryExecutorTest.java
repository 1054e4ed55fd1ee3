package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RegistryExecutorTest {
  private final RegistryExecutor executor = new RegistryExecutor("zk://test");

  @AfterEach
  void tearDown() throws Exception {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aPeriodicTaskThatThrowsKeepsItsSchedule() {
    AtomicInteger runs = new AtomicInteger();
    executor.scheduleWithFixedDelay(() -> {
      if (runs.incrementAndGet() == 1) {
        throw new IllegalStateException("first run fails");
      }
    }, 0, 10, TimeUnit.MILLISECONDS);
    AtomicInteger fixedRateRuns = new AtomicInteger();
    executor.scheduleAtFixedRate(() -> {
      if (fixedRateRuns.incrementAndGet() == 1) {
        throw new AssertionError("an error, not an exception");
      }
    }, 0, 10, TimeUnit.MILLISECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3 && fixedRateRuns.get() >= 3);
  }

  @Test
  void oneShotFailuresNeitherStopTheThreadNorFailTheirFuture() throws Exception {
    AtomicInteger after = new AtomicInteger();
    executor.execute(() -> {
      throw new IllegalStateException("boom");
    });
    Future<?> submitted = executor.submit((Runnable) () -> {
      throw new IllegalStateException("boom");
    });
    executor.schedule(() -> {
      throw new IllegalStateException("boom");
    }, 1, TimeUnit.MILLISECONDS);
    executor.execute(after::incrementAndGet);

    await().atMost(Duration.ofSeconds(10)).until(() -> after.get() == 1);
    assertThat(submitted.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void tasksAfterShutdownAreDroppedQuietly() {
    executor.shutdown();

    assertThatCode(() -> executor.execute(() -> { })).doesNotThrowAnyException();
    assertThatCode(() -> executor.schedule(() -> { }, 1, TimeUnit.SECONDS))
        .doesNotThrowAnyException();
  }
}
