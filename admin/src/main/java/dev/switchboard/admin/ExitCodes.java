package dev.switchboard.admin;

/**
 * The exit codes of the {@code switchboard} command; scripts may rely on them.
 *
 * <table>
 * <caption>exit codes</caption>
 * <tr><td>0</td><td>{@link #OK}</td></tr>
 * <tr><td>1</td><td>{@link #FINDING}: doctor found errors, or an operation failed</td></tr>
 * <tr><td>2</td><td>{@link #USAGE}: a usage error (unknown option, missing or malformed argument,
 *     invalid registry URI)</td></tr>
 * <tr><td>3</td><td>{@link #UNREACHABLE}: the registry did not answer in time</td></tr>
 * <tr><td>4</td><td>{@link #NOT_FOUND}: no such service or instance, or input the registry
 *     refuses (a weight outside 1..10000)</td></tr>
 * <tr><td>5</td><td>{@link #PERMISSION_DENIED}: the registry refused the write (ACLs)</td></tr>
 * </table>
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FINDING = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;
  public static final int NOT_FOUND = 4;
  public static final int PERMISSION_DENIED = 5;

  private ExitCodes() {}
}
