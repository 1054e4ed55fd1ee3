package dev.switchboard.admin.internal;

/**
 * A failure the command reports as one line on stderr with its exit code (see
 * {@link dev.switchboard.admin.ExitCodes}). The message must already be safe to print: no
 * password, registry URIs redacted.
 */
public final class AdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public AdminException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
