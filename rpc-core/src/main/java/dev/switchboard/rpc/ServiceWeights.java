package dev.switchboard.rpc;

/** The range of the relative weights a provider may publish for one of its services. */
public final class ServiceWeights {
  /** The smallest weight an instance may publish. */
  public static final int MIN = 1;
  /** The weight used when none is given. */
  public static final int DEFAULT = 100;
  /** The largest weight an instance may publish; larger values are rejected at start-up. */
  public static final int MAX = 10_000;

  private ServiceWeights() {}

  /**
   * Returns {@code weight} if it lies in {@code [MIN, MAX]}.
   *
   * @param what names the setting in the error message, e.g. {@code "@RpcService(weight) on Foo"}
   * @throws IllegalArgumentException naming the value and the allowed range otherwise
   */
  public static int check(int weight, String what) {
    if (weight < MIN || weight > MAX) {
      throw new IllegalArgumentException(
          what + ": weight " + weight + " is out of range (allowed: " + MIN + ".." + MAX + ")");
    }
    return weight;
  }
}
