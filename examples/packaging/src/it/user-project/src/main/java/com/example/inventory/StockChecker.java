package com.example.inventory;

import dev.switchboard.rpc.RpcReference;

/** The consumer: its stub is filled in by {@code RpcClient.inject}. */
public final class StockChecker {
  @RpcReference(deadline = "5s")
  InventoryGrpc.InventoryBlockingStub inventory;

  public int quantityOf(String sku) {
    return inventory.getStock(StockRequest.newBuilder().setSku(sku).build()).getQuantity();
  }
}
