package dev.switchboard.spring.boot.internal;

import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcReference;
import dev.switchboard.spring.boot.SwitchboardProperties;
import io.grpc.stub.AbstractStub;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.support.AutowireCandidateResolver;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.util.ReflectionUtils;

/**
 * Fills {@link RpcReference} fields of every bean, and {@link RpcReference} constructor and
 * method parameters of beans Spring autowires, with stubs of the context's {@link RpcClient}.
 * Each reference is its annotation with the {@code switchboard.client.references.<service>}
 * overrides applied. A bean of the stub's type in the context (a test's fake, say) takes the
 * stub's place.
 *
 * <p>Thread-safe once the bean factory is set.
 */
public final class RpcReferenceInjector implements BeanPostProcessor, BeanFactoryAware,
    SmartInitializingSingleton {
  private static final Logger logger = LoggerFactory.getLogger(RpcReferenceInjector.class);

  private DefaultListableBeanFactory beanFactory;
  private final Set<String> referencedServices = ConcurrentHashMap.newKeySet();

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    if (!(beanFactory instanceof DefaultListableBeanFactory listable)) {
      throw new IllegalStateException("@RpcReference needs a DefaultListableBeanFactory, not "
          + beanFactory.getClass().getName());
    }
    this.beanFactory = listable;
    listable.setAutowireCandidateResolver(
        new ParameterResolver(listable.getAutowireCandidateResolver()));
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    ReflectionUtils.doWithFields(bean.getClass(), field -> inject(bean, beanName, field),
        field -> field.isAnnotationPresent(RpcReference.class));
    return bean;
  }

  private void inject(Object bean, String beanName, Field field) {
    String where = field.getDeclaringClass().getName() + "." + field.getName();
    if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
      throw new BeanInitializationException("@RpcReference on " + where + " (bean '" + beanName
          + "'): the field must be neither static nor final; for a final field take the stub"
          + " as an @RpcReference constructor parameter");
    }
    Object stub = stub(field.getType(), field.getAnnotation(RpcReference.class), where);
    ReflectionUtils.makeAccessible(field);
    ReflectionUtils.setField(field, bean, stub);
  }

  private Object stub(Class<?> type, RpcReference annotation, String where) {
    String[] replacements = beanFactory.getBeanNamesForType(type);
    if (replacements.length == 1) {
      return beanFactory.getBean(replacements[0]);
    }
    if (!AbstractStub.class.isAssignableFrom(type)) {
      throw new BeanInitializationException("@RpcReference on " + where + ": " + type.getName()
          + " is not a generated gRPC stub (expected e.g. GreeterGrpc.GreeterBlockingStub)");
    }
    @SuppressWarnings("unchecked")
    Class<? extends AbstractStub<?>> stubType = (Class<? extends AbstractStub<?>>) type;
    try {
      ReferenceConfig config = ReferenceConfig.from(annotation, where);
      String service = config.service().orElseGet(() -> RpcClient.serviceName(type));
      referencedServices.add(service);
      SwitchboardProperties properties = beanFactory.getBean(SwitchboardProperties.class);
      ReferenceConfig merged = SettingsCompiler.override(config,
          properties.getClient().getReferences().get(service),
          "client.references[" + service + "]", SettingsCompiler.Problems.FAIL);
      return newStub(beanFactory.getBean(RpcClient.class), stubType, merged);
    } catch (IllegalArgumentException e) {
      throw new BeanInitializationException(e.getMessage(), e);
    }
  }

  /**
   * Warns of per-service overrides that no reference used once every singleton is created: a
   * misspelt service name would otherwise change nothing, silently.
   */
  @Override
  public void afterSingletonsInstantiated() {
    SwitchboardProperties properties = beanFactory.getBeanProvider(SwitchboardProperties.class)
        .getIfAvailable();
    if (properties == null) {
      return;
    }
    for (String service : properties.getClient().getReferences().keySet()) {
      if (!referencedServices.contains(service)) {
        logger.warn("switchboard.client.references[{}] matches no @RpcReference created at start"
            + " (services referenced: {}); check the service name", service,
            new java.util.TreeSet<>(referencedServices));
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object newStub(RpcClient client, Class type, ReferenceConfig config) {
    return client.stub(type, config);
  }

  /** Supplies {@link RpcReference} parameters, as {@code @Value} parameters are supplied. */
  private final class ParameterResolver implements AutowireCandidateResolver {
    private final AutowireCandidateResolver delegate;

    ParameterResolver(AutowireCandidateResolver delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object getSuggestedValue(DependencyDescriptor descriptor) {
      RpcReference annotation = descriptor.getAnnotation(RpcReference.class);
      if (annotation != null && descriptor.getMethodParameter() != null) {
        var parameter = descriptor.getMethodParameter();
        String where = parameter.getDeclaringClass().getName() + "("
            + (parameter.getParameterName() != null ? parameter.getParameterName()
            : "parameter " + parameter.getParameterIndex()) + ")";
        return stub(descriptor.getDependencyType(), annotation, where);
      }
      return delegate.getSuggestedValue(descriptor);
    }

    @Override
    public boolean isAutowireCandidate(
        org.springframework.beans.factory.config.BeanDefinitionHolder holder,
        DependencyDescriptor descriptor) {
      return delegate.isAutowireCandidate(holder, descriptor);
    }

    @Override
    public boolean isRequired(DependencyDescriptor descriptor) {
      return delegate.isRequired(descriptor);
    }

    @Override
    public String getSuggestedName(DependencyDescriptor descriptor) {
      return delegate.getSuggestedName(descriptor);
    }

    @Override
    public boolean hasQualifier(DependencyDescriptor descriptor) {
      return delegate.hasQualifier(descriptor);
    }

    @Override
    public Object getLazyResolutionProxyIfNecessary(DependencyDescriptor descriptor,
        String beanName) {
      return delegate.getLazyResolutionProxyIfNecessary(descriptor, beanName);
    }

    @Override
    public Class<?> getLazyResolutionProxyClass(DependencyDescriptor descriptor,
        String beanName) {
      return delegate.getLazyResolutionProxyClass(descriptor, beanName);
    }

    @Override
    public AutowireCandidateResolver cloneIfNecessary() {
      return new ParameterResolver(delegate.cloneIfNecessary());
    }
  }
}
