package dev.switchboard.examples.quickstart;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcReference;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consumer side of the quick start: one annotated field, filled by
 * {@code RpcClient.inject(...)} with a stub whose channel finds the Greeter providers in
 * ZooKeeper and spreads calls over them by weight.
 */
public final class GreetingConsumer {

  @RpcReference(deadline = "2s")
  private GreeterGrpc.GreeterBlockingStub greeter;

  /** Sends {@code calls} greetings and returns how many each provider served. */
  public Map<String, Integer> greet(int calls) {
    Map<String, Integer> servedBy = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      String provider = greeter.sayHello(HelloRequest.newBuilder().setName("call " + i).build())
          .getServedBy();
      servedBy.merge(provider, 1, Integer::sum);
    }
    return servedBy;
  }
}
