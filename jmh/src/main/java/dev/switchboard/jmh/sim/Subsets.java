package dev.switchboard.jmh.sim;

/** Index arithmetic for strategies that choose among the backends in rotation. */
final class Subsets {
  private Subsets() {}

  /** Returns the indexes whose flag is set, in order. */
  static int[] indexes(boolean[] flags) {
    int count = 0;
    for (boolean flag : flags) {
      count += flag ? 1 : 0;
    }
    int[] indexes = new int[count];
    for (int i = 0, k = 0; i < flags.length; i++) {
      if (flags[i]) {
        indexes[k++] = i;
      }
    }
    return indexes;
  }

  /** Returns {@code weights} at {@code indexes}. */
  static int[] weights(int[] weights, int[] indexes) {
    int[] chosen = new int[indexes.length];
    for (int k = 0; k < indexes.length; k++) {
      chosen[k] = weights[indexes[k]];
    }
    return chosen;
  }
}
