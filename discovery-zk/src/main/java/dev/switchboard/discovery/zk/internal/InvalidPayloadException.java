package dev.switchboard.discovery.zk.internal;

/** A registry node whose payload is not a valid instance; the message says why. */
public final class InvalidPayloadException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with {@code reason}. */
  public InvalidPayloadException(String reason) {
    super(reason);
  }
}
