package dev.switchboard.examples.boot.consumer;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcReference;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /greet?name=...}: one call to a Greeter instance the balancer picks. */
@RestController
public class GreetingController {
  private final GreeterGrpc.GreeterBlockingStub greeter;

  public GreetingController(@RpcReference(deadline = "2s") GreeterGrpc.GreeterBlockingStub greeter) {
    this.greeter = greeter;
  }

  @GetMapping("/greet")
  public String greet(@RequestParam(name = "name", defaultValue = "world") String name) {
    return greeter.sayHello(HelloRequest.newBuilder().setName(name).build()).getMessage();
  }
}
