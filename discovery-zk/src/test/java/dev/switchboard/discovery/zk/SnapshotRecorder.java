package dev.switchboard.discovery.zk;

import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.ServiceInstance;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a watch delivers. Thread-safe. */
public final class SnapshotRecorder implements RegistryListener {
  public final List<List<ServiceInstance>> snapshots = new CopyOnWriteArrayList<>();
  public final List<Status> errors = new CopyOnWriteArrayList<>();

  @Override
  public void onSnapshot(List<ServiceInstance> instances) {
    snapshots.add(instances);
  }

  @Override
  public void onError(Status error) {
    errors.add(error);
  }

  /** Returns the latest snapshot, or {@code null} before the first. */
  public List<ServiceInstance> latest() {
    return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
  }

  /** Returns the size of the latest snapshot, or -1 before the first. */
  public int latestSize() {
    List<ServiceInstance> latest = latest();
    return latest == null ? -1 : latest.size();
  }

  public List<String> latestIds() {
    List<ServiceInstance> latest = latest();
    return latest == null ? null : latest.stream().map(ServiceInstance::instanceId).toList();
  }
}
