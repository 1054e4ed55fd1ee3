package dev.switchboard.rpc.registry;

import java.util.regex.Pattern;

/** Checks for the names that appear in registry paths and resolver targets. */
public final class Names {
  // Dots, dashes and underscores as in gRPC full service names; no slashes (they split paths).
  private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");
  private static final Pattern APPLICATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");

  private Names() {}

  /**
   * Returns {@code name} if it is a valid service name: 1 to 200 characters of letters, digits,
   * {@code . _ -}, not starting with {@code .} or {@code -}.
   */
  public static String checkServiceName(String name) {
    if (name == null || !SERVICE.matcher(name).matches()) {
      throw new IllegalArgumentException("service name '" + name + "' is invalid (allowed: 1-200"
          + " characters of letters, digits, '.', '_' and '-', not starting with '.' or '-')");
    }
    return name;
  }

  /**
   * Returns {@code name} if it is a valid application name: 1 to 64 characters of letters,
   * digits, {@code . _ -}, starting with a letter or digit.
   */
  public static String checkApplicationName(String name) {
    if (name == null || !APPLICATION.matcher(name).matches()) {
      throw new IllegalArgumentException("application name '" + name + "' is invalid (allowed:"
          + " 1-64 characters of letters, digits, '.', '_' and '-', starting with a letter or"
          + " digit)");
    }
    return name;
  }

  /**
   * Returns {@code instanceId} if it is a valid instance id: 1 to 128 characters, no {@code /},
   * and not {@code .} or {@code ..} (it names a registry node).
   */
  public static String checkInstanceId(String instanceId) {
    if (instanceId == null || instanceId.isEmpty() || instanceId.length() > 128
        || instanceId.contains("/") || instanceId.equals(".") || instanceId.equals("..")) {
      throw new IllegalArgumentException("instanceId '" + instanceId
          + "' is invalid (allowed: 1-128 characters, no '/', not '.' or '..')");
    }
    return instanceId;
  }

  /** Returns whether {@code name} is a valid service name. */
  public static boolean isValidServiceName(String name) {
    return name != null && SERVICE.matcher(name).matches();
  }

  /** Returns whether {@code name} is a valid application name. */
  public static boolean isValidApplicationName(String name) {
    return name != null && APPLICATION.matcher(name).matches();
  }
}
