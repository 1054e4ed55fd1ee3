package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RotationTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final AtomicLong now = new AtomicLong(SECOND);
  private final EndpointHealth.Rule rule =
      new EndpointHealth.Rule(1, 1, 1, SECOND, 5 * SECOND, 60 * SECOND);

  private EndpointHealth[] healths(int count) {
    EndpointHealth[] healths = new EndpointHealth[count];
    for (int i = 0; i < count; i++) {
      healths[i] = new EndpointHealth(rule, now::get, () -> 1, SECOND);
    }
    return healths;
  }

  @Test
  void healthyEndpointsAreIn() {
    Rotation.Decision decision = Rotation.decide(healths(3), true, 50);

    assertThat(decision.roles()).containsExactly(Rotation.IN, Rotation.IN, Rotation.IN);
    assertThat(decision.panic()).isFalse();
  }

  @Test
  void ejectedAndProbingEndpointsAreOutWithinTheThreshold() {
    EndpointHealth[] healths = healths(4);
    healths[1].failed();
    healths[2].failed();
    now.addAndGet(5 * SECOND);
    healths[2].tick(); // its backoff ended: probing

    Rotation.Decision decision = Rotation.decide(healths, true, 50);

    assertThat(decision.roles())
        .containsExactly(Rotation.IN, Rotation.OUT, Rotation.PROBE, Rotation.IN);
    assertThat(decision.failing()).isEqualTo(2);
    assertThat(decision.panic()).isFalse();
  }

  @Test
  void pastThePanicThresholdTheProbingThenTheSoonestBackOnesStayIn() {
    EndpointHealth[] healths = healths(4);
    healths[0].failed();
    now.addAndGet(SECOND);
    healths[1].failed(); // backoff ends a second after #0's
    now.addAndGet(SECOND);
    healths[2].failed();

    Rotation.Decision decision = Rotation.decide(healths, true, 50);

    // 3 failing of 4, at most 2 out: #0, whose backoff ends first, stays in.
    assertThat(decision.roles())
        .containsExactly(Rotation.IN, Rotation.OUT, Rotation.OUT, Rotation.IN);
    assertThat(decision.panic()).isTrue();
  }

  @Test
  void noEndpointIsOutWhenNoneMayBe() {
    EndpointHealth[] healths = healths(1);
    healths[0].failed();

    assertThat(Rotation.decide(healths, true, 50).roles()).containsExactly(Rotation.IN);
    assertThat(Rotation.decide(healths, false, 100).roles()).containsExactly(Rotation.IN);
    assertThat(Rotation.decide(healths, true, 100).roles()).containsExactly(Rotation.OUT);
  }
}
