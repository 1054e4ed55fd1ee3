package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.MethodPolicy;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies of every method of one service, resolved against the reference's default and
 * checked against the service's methods. Immutable.
 */
public final class MethodPolicies {
  private final Map<String, MethodPolicy> byFullName;
  private final MethodPolicy defaults;

  private MethodPolicies(Map<String, MethodPolicy> byFullName, MethodPolicy defaults) {
    this.byFullName = byFullName;
    this.defaults = defaults;
  }

  /**
   * Resolves {@code overrides} (by bare method name, e.g. {@code SayHello}) over
   * {@code defaults} for the methods of {@code service}.
   *
   * @param where names the reference in error messages
   * @throws IllegalArgumentException for an unknown method name, a cacheable mark on a streaming
   *     method, or a fallback response of the wrong type
   */
  public static MethodPolicies resolve(ServiceDescriptor service, MethodPolicy defaults,
      Map<String, MethodPolicy> overrides, String where) {
    Map<String, MethodDescriptor<?, ?>> methods = new LinkedHashMap<>();
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      methods.put(method.getBareMethodName(), method);
    }
    for (String name : overrides.keySet()) {
      if (!methods.containsKey(name)) {
        throw new IllegalArgumentException(where + ": method '" + name + "' is not a method of "
            + service.getName() + " (methods: " + methods.keySet() + ")");
      }
    }
    Map<String, MethodPolicy> resolved = new HashMap<>();
    for (Map.Entry<String, MethodDescriptor<?, ?>> entry : methods.entrySet()) {
      MethodDescriptor<?, ?> method = entry.getValue();
      MethodPolicy policy = overrides.getOrDefault(entry.getKey(), MethodPolicy.none())
          .orElse(defaults);
      check(method, policy, overrides.containsKey(entry.getKey()), where);
      resolved.put(method.getFullMethodName(), policy);
    }
    return new MethodPolicies(Map.copyOf(resolved), defaults);
  }

  private static void check(MethodDescriptor<?, ?> method, MethodPolicy policy, boolean explicit,
      String where) {
    boolean singleResponse = method.getType() == MethodDescriptor.MethodType.UNARY;
    if (policy.cacheable() && !singleResponse && explicit) {
      throw new IllegalArgumentException(where + ": method " + method.getBareMethodName()
          + " is " + method.getType() + "; only unary methods can be cacheable");
    }
    policy.fallbackResponse().ifPresent(response -> {
      if (explicit || singleResponse) {
        Class<?> expected = responseType(method);
        if (expected != null && !expected.isInstance(response)) {
          throw new IllegalArgumentException(where + ": the fallback response of "
              + method.getBareMethodName() + " is a " + response.getClass().getName()
              + ", but the method returns " + expected.getName());
        }
      }
    });
  }

  private static Class<?> responseType(MethodDescriptor<?, ?> method) {
    if (method.getResponseMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto) {
      Object prototype = proto.getMessagePrototype();
      return prototype == null ? null : prototype.getClass();
    }
    return null;
  }

  /** Returns the policy of {@code method}. */
  public MethodPolicy of(MethodDescriptor<?, ?> method) {
    MethodPolicy policy = byFullName.get(method.getFullMethodName());
    return policy != null ? policy : defaults;
  }

  /** Returns every method's policy by full method name. */
  public Map<String, MethodPolicy> byFullName() {
    return byFullName;
  }

  /** Returns whether any method retries, hedges or falls back. */
  public boolean any(java.util.function.Predicate<MethodPolicy> test) {
    for (MethodPolicy policy : byFullName.values()) {
      if (test.test(policy)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns gRPC service config {@code methodConfig} entries for the retry and hedging policies
   * (gRPC runs them; the deadline default and fallbacks are interceptors, because gRPC's
   * {@code timeout} would also cut a caller's longer deadline and gRPC has no fallbacks).
   */
  public List<Map<String, ?>> methodConfig(String service) {
    List<Map<String, ?>> configs = new ArrayList<>();
    for (Map.Entry<String, MethodPolicy> entry : byFullName.entrySet()) {
      MethodPolicy policy = entry.getValue();
      if (policy.retry().isEmpty() && policy.hedging().isEmpty()) {
        continue;
      }
      String method = entry.getKey().substring(entry.getKey().indexOf('/') + 1);
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("name", List.of(Map.of("service", service, "method", method)));
      policy.retry().ifPresent(retry -> config.put("retryPolicy", Map.of(
          "maxAttempts", (double) retry.maxAttempts(),
          "initialBackoff", seconds(retry.initialBackoff()),
          "maxBackoff", seconds(retry.maxBackoff()),
          "backoffMultiplier", retry.multiplier(),
          "retryableStatusCodes", codeNames(retry.retryOn()))));
      policy.hedging().ifPresent(hedging -> config.put("hedgingPolicy", Map.of(
          "maxAttempts", (double) hedging.maxAttempts(),
          "hedgingDelay", seconds(hedging.delay()),
          "nonFatalStatusCodes", List.of("UNAVAILABLE"))));
      configs.add(config);
    }
    return configs;
  }

  private static List<String> codeNames(java.util.Set<io.grpc.Status.Code> codes) {
    List<String> names = new ArrayList<>();
    for (io.grpc.Status.Code code : codes) {
      names.add(code.name());
    }
    names.sort(null);
    return names;
  }

  private static String seconds(java.time.Duration duration) {
    return dev.switchboard.rpc.ServiceConfigDurations.format(duration);
  }
}
