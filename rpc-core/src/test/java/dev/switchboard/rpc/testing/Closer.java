package dev.switchboard.rpc.testing;

import java.util.ArrayList;
import java.util.List;

/** Closes what tests open, in reverse order of registration. Not thread-safe. */
public final class Closer implements AutoCloseable {
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** Registers {@code resource} and returns it. */
  public <T extends AutoCloseable> T register(T resource) {
    resources.add(resource);
    return resource;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    resources.clear();
    if (first != null) {
      throw first;
    }
  }
}
