package com.example.inventory;

import dev.switchboard.rpc.RpcService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;

/** The provider: a generated service implementation, exposed and registered by an RpcServer. */
@RpcService(version = "1.0.0")
public final class InventoryService extends InventoryGrpc.InventoryImplBase {
  private final Map<String, Integer> stock;

  public InventoryService(Map<String, Integer> stock) {
    this.stock = Map.copyOf(stock);
  }

  @Override
  public void getStock(StockRequest request, StreamObserver<StockReply> responses) {
    Integer quantity = stock.get(request.getSku());
    if (quantity == null) {
      responses.onError(Status.NOT_FOUND
          .withDescription("no item " + request.getSku()).asRuntimeException());
      return;
    }
    responses.onNext(StockReply.newBuilder()
        .setSku(request.getSku()).setQuantity(quantity).build());
    responses.onCompleted();
  }
}
