package dev.switchboard.rpc.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.stub.AbstractStub;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.Function;

/** Reads what Switchboard needs from generated stub classes. */
public final class StubTypes {

  /** A channel that is never called: it only lets a stub factory reveal the stub's class. */
  private static final Channel PROBE = new Channel() {
    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      throw new UnsupportedOperationException("probe channel");
    }

    @Override
    public String authority() {
      return "probe";
    }
  };

  private StubTypes() {}

  /** Returns the class of the stubs {@code factory} makes. */
  @SuppressWarnings("unchecked")
  public static <S extends AbstractStub<S>> Class<S> typeOf(Function<Channel, S> factory) {
    return (Class<S>) factory.apply(PROBE).getClass();
  }

  /**
   * Returns the service name in the generated {@code *Grpc} class enclosing {@code stubType}.
   *
   * @param where names the field or call in the error message
   * @throws IllegalArgumentException if {@code stubType} is not a generated gRPC stub
   */
  public static String serviceName(Class<?> stubType, String where) {
    Class<?> outer = stubType.getEnclosingClass();
    if (!AbstractStub.class.isAssignableFrom(stubType) || outer == null) {
      throw notAStub(stubType, where);
    }
    try {
      Field field = outer.getField("SERVICE_NAME");
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        return (String) field.get(null);
      }
    } catch (NoSuchFieldException | IllegalAccessException e) {
      // not generated code
    }
    throw notAStub(stubType, where);
  }

  /** Returns the descriptor in the generated {@code *Grpc} class enclosing {@code stubType}. */
  public static io.grpc.ServiceDescriptor serviceDescriptor(Class<?> stubType, String where) {
    serviceName(stubType, where);
    try {
      return (io.grpc.ServiceDescriptor) stubType.getEnclosingClass()
          .getMethod("getServiceDescriptor").invoke(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw notAStub(stubType, where);
    }
  }

  /**
   * Returns a factory for {@code stubType} from the static {@code new*Stub(Channel)} method of its
   * generated {@code *Grpc} class.
   */
  public static <S> Function<Channel, S> factoryFor(Class<S> stubType, String where) {
    serviceName(stubType, where);
    for (Method method : stubType.getEnclosingClass().getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) && method.getReturnType() == stubType
          && method.getParameterCount() == 1 && method.getParameterTypes()[0] == Channel.class) {
        return channel -> {
          try {
            return stubType.cast(method.invoke(null, channel));
          } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot create " + stubType.getName(), e);
          }
        };
      }
    }
    throw notAStub(stubType, where);
  }

  private static IllegalArgumentException notAStub(Class<?> type, String where) {
    return new IllegalArgumentException(where + ": type " + type.getName() + " is not a generated"
        + " gRPC stub (expected e.g. GreeterGrpc.GreeterBlockingStub, GreeterFutureStub or"
        + " GreeterStub)");
  }
}
