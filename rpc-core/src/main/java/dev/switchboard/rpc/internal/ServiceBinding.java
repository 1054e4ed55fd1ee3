package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.RpcService;
import dev.switchboard.rpc.ServiceWeights;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.Names;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service implementation bound for serving, with what its {@link RpcService} annotation says
 * to publish about it.
 *
 * @param definition what the gRPC server serves
 * @param exported what the registry publishes
 */
public record ServiceBinding(ServerServiceDefinition definition, ExportedService exported) {

  /**
   * Reads {@code implementation}'s annotation and binds it.
   *
   * @throws IllegalArgumentException naming the class and what is wrong: not a generated gRPC
   *     service, an invalid name, weight or metadata entry
   */
  public static ServiceBinding of(Object implementation) {
    Class<?> type = implementation.getClass();
    ServerServiceDefinition definition = bind(implementation, type);
    RpcService annotation = type.getAnnotation(RpcService.class);
    String where = "@RpcService on " + type.getName();
    String descriptorName = definition.getServiceDescriptor().getName();
    if (annotation == null) {
      return new ServiceBinding(definition, ExportedService.of(descriptorName));
    }
    String name = annotation.name().isEmpty() ? descriptorName : annotation.name();
    try {
      Names.checkServiceName(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    ServiceWeights.check(annotation.weight(), where);
    return new ServiceBinding(definition, new ExportedService(name, annotation.weight(),
        annotation.zone(), annotation.version(), annotation.group(),
        parseMetadata(annotation.metadata(), where)));
  }

  /** Returns a copy whose published weight and zone are replaced by those that are non-null. */
  public ServiceBinding withOverrides(Integer weight, String zone) {
    ExportedService e = exported;
    return new ServiceBinding(definition, new ExportedService(e.name(),
        weight != null ? weight : e.weight(), zone != null ? zone : e.zone(), e.version(),
        e.group(), e.metadata()));
  }

  private static ServerServiceDefinition bind(Object implementation, Class<?> type) {
    if (implementation instanceof BindableService bindable) {
      return bindable.bindService();
    }
    // A generated *AsyncService interface: its *Grpc outer class has static bindService(it).
    for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
      for (Class<?> contract : candidate.getInterfaces()) {
        Method binder = asyncServiceBinder(contract);
        if (binder != null) {
          try {
            return (ServerServiceDefinition) binder.invoke(null, implementation);
          } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("cannot bind " + type.getName() + " through "
                + binder, e);
          }
        }
      }
    }
    throw new IllegalArgumentException(type.getName() + " is not a gRPC service: a class given to"
        + " RpcServer must extend a generated *ImplBase or implement a generated *AsyncService");
  }

  private static Method asyncServiceBinder(Class<?> contract) {
    Class<?> outer = contract.getEnclosingClass();
    if (outer == null || !contract.getSimpleName().equals("AsyncService")) {
      return null;
    }
    try {
      Method binder = outer.getMethod("bindService", contract);
      return Modifier.isStatic(binder.getModifiers())
          && binder.getReturnType() == ServerServiceDefinition.class ? binder : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static Map<String, String> parseMetadata(String[] entries, String where) {
    Map<String, String> metadata = new LinkedHashMap<>();
    for (String entry : entries) {
      int equals = entry.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(where + ": metadata entry '" + entry
            + "' is invalid (expected key=value with a non-empty key)");
      }
      metadata.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
    }
    return metadata;
  }
}
