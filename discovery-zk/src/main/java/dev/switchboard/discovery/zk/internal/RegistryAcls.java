package dev.switchboard.discovery.zk.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * The ACL of every node a credentialed registry creates: full rights for the authenticated
 * creator, read for everyone else. Consumers need no credentials; only providers holding the
 * same digest identity can create, change or delete registry nodes. Immutable and thread-safe.
 */
final class RegistryAcls implements ACLProvider {
  // Not List.of: ZooKeeper asks the list whether it contains null, which List.of refuses.
  private static final List<ACL> CREATOR_WRITES_WORLD_READS = Collections.unmodifiableList(
      Arrays.asList(new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
          new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));

  @Override
  public List<ACL> getDefaultAcl() {
    return CREATOR_WRITES_WORLD_READS;
  }

  @Override
  public List<ACL> getAclForPath(String path) {
    return CREATOR_WRITES_WORLD_READS;
  }
}
