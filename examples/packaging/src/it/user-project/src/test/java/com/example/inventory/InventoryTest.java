package com.example.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.registry.RegistryProviders;
import io.grpc.LoadBalancerRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class InventoryTest {
  private static final String REGISTRY = "memory://sample";

  @Test
  void consumerCallsProviderThroughTheRegistry() {
    try (RpcServer server = RpcServer.builder()
            .application("inventory")
            .registry(REGISTRY)
            .port(0)
            .bindAddress("127.0.0.1")
            .addService(new InventoryService(Map.of("sku-42", 7)))
            .build()
            .start();
        RpcClient client = RpcClient.builder().registry(REGISTRY).build()) {
      StockChecker checker = client.inject(new StockChecker());

      assertEquals(7, checker.quantityOf("sku-42"));
      StatusRuntimeException missing =
          assertThrows(StatusRuntimeException.class, () -> checker.quantityOf("sku-0"));
      assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
    }
  }

  @Test
  void theOtherModulesArePluggedIn() {
    // switchboard-loadbalance: the client's default balancer is one of its LoadBalancerProviders
    assertNotNull(LoadBalancerRegistry.getDefaultRegistry().getProvider(RpcClient.DEFAULT_BALANCER),
        RpcClient.DEFAULT_BALANCER + " is not registered");
    // switchboard-discovery-zk: the zk:// scheme (checked without connecting)
    RegistryProviders.loadDefault().checkUri("zk://127.0.0.1:2181/inventory");
  }
}
