package dev.switchboard.rpc.registry;

import io.grpc.Status;
import java.util.List;

/** Receives the snapshots of one watched service; calls are serial, never concurrent. */
public interface RegistryListener {

  /** Delivers the full current set of instances of the service (possibly empty). */
  void onSnapshot(List<ServiceInstance> instances);

  /**
   * Reports that no snapshot can be delivered (e.g. the registry is unreachable and nothing is
   * known yet). Never called once a snapshot has been delivered, unless it is a fatal error.
   */
  void onError(Status error);
}
