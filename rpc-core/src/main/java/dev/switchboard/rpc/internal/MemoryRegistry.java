package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.registry.Watch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A handle on a named in-JVM registry. Handles of one name share a {@link Space}; the space lives
 * while any handle is open. Thread-safe.
 */
public final class MemoryRegistry implements Registry {

  // The name space of in-JVM registries, as gRPC's in-process transport has one for its servers.
  private static final Map<String, Space> SPACES = new ConcurrentHashMap<>();

  private final Space space;
  private final Set<Registration> registrations = ConcurrentHashMap.newKeySet();
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private MemoryRegistry(Space space) {
    this.space = space;
  }

  /** Opens a handle on the registry named {@code name}, creating it if needed. */
  public static MemoryRegistry open(String name) {
    Space space = SPACES.compute(name, (key, existing) -> {
      Space result = existing == null ? new Space(key) : existing;
      result.handles++;
      return result;
    });
    return new MemoryRegistry(space);
  }

  @Override
  public Registration register(ProviderInstance instance) {
    checkOpen();
    MemoryRegistration registration = new MemoryRegistration(instance);
    registrations.add(registration);
    space.put(instance);
    return registration;
  }

  @Override
  public Watch watch(String service, RegistryListener listener) {
    checkOpen();
    MemoryWatch watch = new MemoryWatch(service, listener);
    watches.add(watch);
    space.addWatch(watch);
    return watch;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Watch watch : List.copyOf(watches)) {
      watch.close();
    }
    for (Registration registration : List.copyOf(registrations)) {
      registration.close();
    }
    boolean[] last = new boolean[1];
    SPACES.computeIfPresent(space.name, (key, existing) -> {
      existing.handles--;
      last[0] = existing.handles == 0;
      return last[0] ? null : existing;
    });
    if (last[0]) {
      space.shutdown();
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("memory registry '" + space.name + "' is closed");
    }
  }

  private final class MemoryRegistration implements Registration {
    private volatile ProviderInstance instance;
    private final AtomicBoolean done = new AtomicBoolean();

    MemoryRegistration(ProviderInstance instance) {
      this.instance = instance;
    }

    @Override
    public ProviderInstance instance() {
      return instance;
    }

    @Override
    public void update(ProviderInstance updated) {
      instance.checkUpdate(updated);
      if (done.get()) {
        return;
      }
      instance = updated;
      space.put(updated);
    }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        registrations.remove(this);
        space.remove(instance.instanceId());
      }
    }
  }

  private final class MemoryWatch implements Watch {
    final String service;
    final RegistryListener listener;
    final AtomicBoolean done = new AtomicBoolean();

    MemoryWatch(String service, RegistryListener listener) {
      this.service = service;
      this.listener = listener;
    }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        watches.remove(this);
        space.removeWatch(this);
      }
    }
  }

  /** The shared state of one name; guarded by its own monitor, delivering on one thread. */
  private static final class Space {
    final String name;
    int handles; // guarded by SPACES.compute
    private final Map<String, ProviderInstance> instances = new LinkedHashMap<>();
    private final List<MemoryWatch> spaceWatches = new ArrayList<>();
    private final ExecutorService delivery;

    Space(String name) {
      this.name = name;
      this.delivery = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "switchboard-memory-registry-" + name);
        thread.setDaemon(true);
        return thread;
      });
    }

    synchronized void put(ProviderInstance instance) {
      instances.put(instance.instanceId(), instance);
      publishAll();
    }

    synchronized void remove(String instanceId) {
      if (instances.remove(instanceId) != null) {
        publishAll();
      }
    }

    synchronized void addWatch(MemoryWatch watch) {
      spaceWatches.add(watch);
      publish(watch);
    }

    synchronized void removeWatch(MemoryWatch watch) {
      spaceWatches.remove(watch);
    }

    private void publishAll() {
      for (MemoryWatch watch : spaceWatches) {
        publish(watch);
      }
    }

    private void publish(MemoryWatch watch) {
      List<ServiceInstance> snapshot = new ArrayList<>();
      for (ProviderInstance instance : instances.values()) {
        ServiceInstance view = instance.forService(watch.service);
        if (view != null) {
          snapshot.add(view);
        }
      }
      List<ServiceInstance> frozen = List.copyOf(snapshot);
      delivery.execute(() -> {
        if (!watch.done.get()) {
          watch.listener.onSnapshot(frozen);
        }
      });
    }

    void shutdown() {
      delivery.shutdown();
      try {
        delivery.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
