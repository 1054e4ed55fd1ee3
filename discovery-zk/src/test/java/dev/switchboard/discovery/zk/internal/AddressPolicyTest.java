package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressPolicyTest {
  private final AddressPolicy strict = new AddressPolicy(false);
  private final AddressPolicy local = new AddressPolicy(true);

  @Test
  void ordinaryAddressesAndNamesAreAccepted() {
    assertThat(strict.rejectReason("10.0.0.7")).isNull();
    assertThat(strict.rejectReason("2001:db8::7")).isNull();
    assertThat(strict.rejectReason("greeter-1.prod.internal")).isNull();
  }

  @Test
  void metadataLinkLocalWildcardAndMulticastAreAlwaysRefused() {
    for (AddressPolicy policy : new AddressPolicy[] {strict, local}) {
      assertThat(policy.rejectReason("169.254.169.254")).contains("link-local");
      assertThat(policy.rejectReason("fe80::1")).contains("link-local");
      assertThat(policy.rejectReason("metadata.google.internal")).contains("metadata");
      assertThat(policy.rejectReason("fd00:ec2::254")).contains("metadata");
      assertThat(policy.rejectReason("0.0.0.0")).contains("wildcard");
      assertThat(policy.rejectReason("224.0.0.1")).contains("multicast");
    }
  }

  @Test
  void loopbackOnlyWhenAllowed() {
    assertThat(strict.rejectReason("127.0.0.1")).contains("loopback").contains("allowLoopback");
    assertThat(strict.rejectReason("::1")).contains("loopback");
    assertThat(strict.rejectReason("localhost")).contains("loopback");
    assertThat(local.rejectReason("127.0.0.1")).isNull();
    assertThat(local.rejectReason("localhost")).isNull();
  }
}
