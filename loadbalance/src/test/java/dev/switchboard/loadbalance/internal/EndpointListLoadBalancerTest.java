package dev.switchboard.loadbalance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.loadbalance.Balancers;
import dev.switchboard.loadbalance.internal.FakeHelper.FakeSubchannel;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared balancer base, driven through a fake channel helper and a fake clock. */
@Timeout(30)
class EndpointListLoadBalancerTest {
  private final FakeHelper helper = new FakeHelper();
  private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));

  @AfterEach
  void tearDown() {
    helper.close();
  }

  private static final PickSubchannelArgs ARGS = new PickSubchannelArgs() {
    @Override
    public CallOptions getCallOptions() {
      return CallOptions.DEFAULT;
    }

    @Override
    public Metadata getHeaders() {
      return new Metadata();
    }

    @Override
    public MethodDescriptor<?, ?> getMethodDescriptor() {
      return null;
    }
  };

  private void resolve(LoadBalancer balancer, Object config, int... ports) {
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (int port : ports) {
      groups.add(FakeHelper.address(port, Attributes.EMPTY));
    }
    helper.syncContext.execute(() -> balancer.acceptResolvedAddresses(
        LoadBalancer.ResolvedAddresses.newBuilder().setAddresses(groups)
            .setLoadBalancingPolicyConfig(config).build()));
  }

  private void allReady() {
    for (FakeSubchannel subchannel : helper.subchannels) {
      subchannel.become(ConnectivityState.READY);
    }
  }

  private PickResult pick() {
    return helper.picker.pickSubchannel(ARGS);
  }

  private int picksOf(FakeSubchannel subchannel, int picks) {
    int count = 0;
    for (int i = 0; i < picks; i++) {
      count += pick().getSubchannel() == subchannel ? 1 : 0;
    }
    return count;
  }

  /** Ends one call on {@code result}'s endpoint with {@code status} sent by the server. */
  private static void finish(PickResult result, Status status) {
    ClientStreamTracer tracer = start(result);
    tracer.inboundTrailers(new Metadata());
    tracer.streamClosed(status);
  }

  /** Starts one call on {@code result}'s endpoint, through its tracer. */
  private static ClientStreamTracer start(PickResult result) {
    ClientStreamTracer tracer = result.getStreamTracerFactory().newClientStreamTracer(
        ClientStreamTracer.StreamInfo.newBuilder().build(), new Metadata());
    tracer.streamCreated(Attributes.EMPTY, new Metadata());
    return tracer;
  }

  private PickResult pickOf(FakeSubchannel subchannel) {
    for (int i = 0; i < 10_000; i++) {
      PickResult result = pick();
      if (result.getSubchannel() == subchannel) {
        return result;
      }
    }
    throw new AssertionError("never picked " + subchannel.name());
  }

  private Object weighted() {
    return BalancerConfigs.weighted(Balancers.WEIGHTED_ROUND_ROBIN, Map.of());
  }

  @Test
  void publishesTheNewPickerBeforeShuttingRemovedSubchannels() {
    LoadBalancer balancer = LoadBalancers.weightedRoundRobin(helper, Clock.systemUTC(), now::get);
    resolve(balancer, weighted(), 1001, 1002);
    allReady();
    helper.events.clear();

    resolve(balancer, weighted(), 1001);

    assertThat(helper.events).containsExactly("picker READY", "shutdown 127.0.0.1:1002");
    assertThat(picksOf(helper.subchannels.get(1), 100)).isZero();
  }

  @Test
  void anEmptyResolutionPublishesTheErrorBeforeShuttingDown() {
    LoadBalancer balancer = LoadBalancers.weightedRoundRobin(helper, Clock.systemUTC(), now::get);
    resolve(balancer, weighted(), 1001);
    allReady();
    helper.events.clear();

    resolve(balancer, weighted());

    assertThat(helper.events).containsExactly("picker TRANSIENT_FAILURE",
        "shutdown 127.0.0.1:1001");
  }

  @Test
  void aDuplicatedAddressGetsOneSubchannel() {
    LoadBalancer balancer = LoadBalancers.weightedRoundRobin(helper, Clock.systemUTC(), now::get);

    resolve(balancer, weighted(), 1001, 1001, 1002);

    assertThat(helper.subchannels).hasSize(2);
  }

  @Test
  void failuresEjectThenOneProbeThenASuccessRestores() {
    LoadBalancer balancer = LoadBalancers.leastRequest(helper, now::get);
    resolve(balancer, BalancerConfigs.twoChoices(Balancers.LEAST_REQUEST, Map.of(), false),
        1001, 1002, 1003);
    allReady();
    FakeSubchannel failing = helper.subchannels.get(0);
    PickResult onFailing = pickOf(failing);

    for (int i = 0; i < 5; i++) {
      finish(onFailing, Status.INTERNAL.withDescription("bad deploy"));
    }

    assertThat(picksOf(failing, 1_000)).isZero();

    now.addAndGet(TimeUnit.SECONDS.toNanos(7)); // past the 5 s ejection, jitter included
    await().atMost(Duration.ofSeconds(5)).until(
        () -> helper.picker instanceof EndpointListLoadBalancer.ProbingPicker);
    PickResult probe = pick();
    assertThat(probe.getSubchannel()).isSameAs(failing);
    assertThat(picksOf(failing, 100)).as("one probe at a time").isZero();

    finish(probe, Status.OK);

    assertThat(helper.picker).isNotInstanceOf(EndpointListLoadBalancer.ProbingPicker.class);
    assertThat(picksOf(failing, 300)).isBetween(50, 150);
  }

  @Test
  void theServersAnswerOtherThanAFailureCodeIsASuccess() {
    LoadBalancer balancer = LoadBalancers.weightedRoundRobin(helper, Clock.systemUTC(), now::get);
    resolve(balancer, weighted(), 1001, 1002);
    allReady();
    FakeSubchannel subchannel = helper.subchannels.get(0);
    PickResult result = pickOf(subchannel);

    for (int i = 0; i < 20; i++) {
      finish(result, Status.NOT_FOUND); // an application answer
      finish(result, Status.DEADLINE_EXCEEDED); // says nothing about the server by default
      finish(result, Status.CANCELLED);
    }

    assertThat(picksOf(subchannel, 100)).isEqualTo(50);
  }

  @Test
  void thePanicThresholdKeepsHalfInRotation() {
    LoadBalancer balancer = LoadBalancers.weightedRoundRobin(helper, Clock.systemUTC(), now::get);
    resolve(balancer, weighted(), 1001, 1002);
    allReady();
    PickResult first = pickOf(helper.subchannels.get(0));
    PickResult second = pickOf(helper.subchannels.get(1));

    for (int i = 0; i < 5; i++) {
      finish(first, Status.UNAVAILABLE);
      finish(second, Status.UNAVAILABLE);
    }

    int toFirst = picksOf(helper.subchannels.get(0), 100);
    int toSecond = picksOf(helper.subchannels.get(1), 100);
    assertThat(toFirst + toSecond).isEqualTo(100);
    assertThat(Math.min(toFirst, toSecond)).as("exactly one out").isZero();
  }

  @Test
  void accrualCanBeTurnedOff() {
    LoadBalancer balancer = LoadBalancers.weightedRoundRobin(helper, Clock.systemUTC(), now::get);
    Object off = BalancerConfigs.weighted(Balancers.WEIGHTED_ROUND_ROBIN,
        Map.of("failureAccrual", false));
    resolve(balancer, off, 1001, 1002);
    allReady();

    PickResult result = pick();
    assertThat(result.getStreamTracerFactory()).as("no tracer when nothing is measured").isNull();
    assertThat(picksOf(helper.subchannels.get(0), 100)).isEqualTo(50);
  }

  @Test
  void aStatusTheClientMadeItselfSaysNothingAboutTheServer() {
    LoadBalancer balancer = LoadBalancers.weightedRoundRobin(helper, Clock.systemUTC(), now::get);
    resolve(balancer, weighted(), 1001, 1002);
    allReady();
    PickResult result = pickOf(helper.subchannels.get(0));

    for (int i = 0; i < 10; i++) {
      start(result).streamClosed(Status.RESOURCE_EXHAUSTED.withDescription(
          "response exceeds the client's maximum message size")); // no trailers: the client's
    }
    assertThat(picksOf(helper.subchannels.get(0), 100)).isEqualTo(50);

    for (int i = 0; i < 5; i++) {
      start(result).streamClosed(Status.UNAVAILABLE); // the connection failed: that counts
    }
    assertThat(picksOf(helper.subchannels.get(0), 100)).isZero();
  }

  @Test
  void callsSentBeforeAnEjectionDoNotDecideTheProbe() {
    LoadBalancer balancer = LoadBalancers.leastRequest(helper, now::get);
    resolve(balancer, BalancerConfigs.twoChoices(Balancers.LEAST_REQUEST, Map.of(), false),
        1001, 1002, 1003);
    allReady();
    FakeSubchannel failing = helper.subchannels.get(0);
    PickResult before = pickOf(failing);
    ClientStreamTracer slowCall = start(before); // still running when the endpoint is ejected
    for (int i = 0; i < 5; i++) {
      finish(before, Status.INTERNAL);
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(7));
    await().atMost(Duration.ofSeconds(5)).until(
        () -> helper.picker instanceof EndpointListLoadBalancer.ProbingPicker);
    PickResult probe = pick();
    assertThat(probe.getSubchannel()).isSameAs(failing);

    slowCall.inboundTrailers(new Metadata());
    slowCall.streamClosed(Status.OK);

    assertThat(helper.picker).as("an old call's success restores nothing")
        .isInstanceOf(EndpointListLoadBalancer.ProbingPicker.class);
    finish(probe, Status.OK);
    assertThat(helper.picker).isNotInstanceOf(EndpointListLoadBalancer.ProbingPicker.class);
  }

  @Test
  void nothingIsPublishedAfterShutdown() {
    LoadBalancer balancer = LoadBalancers.weightedRoundRobin(helper, Clock.systemUTC(), now::get);
    resolve(balancer, weighted(), 1001, 1002);
    allReady();
    PickResult result = pickOf(helper.subchannels.get(0));
    helper.syncContext.execute(balancer::shutdown);
    helper.events.clear();

    for (int i = 0; i < 5; i++) {
      finish(result, Status.INTERNAL); // calls that outlive the balancer
    }

    assertThat(helper.events).isEmpty();
  }
}
