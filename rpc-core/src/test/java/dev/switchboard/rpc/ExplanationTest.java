package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

/** The per-call record balancers write to, and its line. */
class ExplanationTest {
  private static final Metadata.Key<String> PREVIOUS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);

  private static Metadata retry(int previous) {
    Metadata headers = new Metadata();
    headers.put(PREVIOUS, Integer.toString(previous));
    return headers;
  }

  @Test
  void aLineNamesTheMethodAttemptBalancerPickAndFactsInOrder() {
    Explanation explanation = new Explanation("helloworld.Greeter/SayHello", "b");

    explanation.pick(new Metadata()).picked("i-1").fact("weight", "100").fact("excluded", "[]");
    explanation.attempt(1).fact("status", "OK");

    assertThat(explanation.attempt(1).line()).isEqualTo("EXPLAIN helloworld.Greeter/SayHello"
        + " attempt=1 balancer=b picked=i-1 weight=100 excluded=[] status=OK");
  }

  @Test
  void aPickBelongsToTheAttemptItsHeadersCountAndARepeatedPickStartsOver() {
    Explanation explanation = new Explanation("m", "b");
    Explanation.Attempt second = explanation.attempt(2);

    explanation.pick(retry(1)).picked("first-choice").fact("walk", "[a: tried]");
    explanation.pick(retry(1)).picked("second-choice");

    assertThat(explanation.pick(retry(1))).isSameAs(second);
    explanation.pick(retry(1)).picked("final");
    assertThat(second.line()).isEqualTo("EXPLAIN m attempt=2 balancer=b picked=final");
    assertThat(explanation.attempt(1).line()).isEqualTo("EXPLAIN m attempt=1 balancer=b"
        + " picked=unknown");
  }

  @Test
  void aFactOfTheSameNameReplacesTheEarlierValue() {
    Explanation.Attempt attempt = new Explanation("m", "b").attempt(1);

    attempt.fact("a", "1").fact("b", "2").fact("a", "3");

    assertThat(attempt.facts()).containsExactly(java.util.Map.entry("a", "3"),
        java.util.Map.entry("b", "2"));
  }
}
