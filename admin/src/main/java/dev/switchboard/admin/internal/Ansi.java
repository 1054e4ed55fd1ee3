package dev.switchboard.admin.internal;

/**
 * Terminal colours, on only when stdout is a terminal ({@code System.console() != null}), never
 * with {@code --json}, never with {@code NO_COLOR} set or {@code --no-color}. Immutable.
 */
public final class Ansi {
  public static final Ansi OFF = new Ansi(false);
  public static final Ansi ON = new Ansi(true);

  private final boolean enabled;

  private Ansi(boolean enabled) {
    this.enabled = enabled;
  }

  /** Returns the colours for a command's output. */
  public static Ansi forOutput(boolean json, boolean noColor) {
    boolean terminal = System.console() != null;
    String noColorEnv = System.getenv("NO_COLOR");
    return terminal && !json && !noColor && (noColorEnv == null || noColorEnv.isEmpty()) ? ON
        : OFF;
  }

  public boolean enabled() {
    return enabled;
  }

  public String bold(String text) {
    return wrap("1", text);
  }

  public String dim(String text) {
    return wrap("2", text);
  }

  public String green(String text) {
    return wrap("32", text);
  }

  public String yellow(String text) {
    return wrap("33", text);
  }

  public String red(String text) {
    return wrap("31", text);
  }

  /** Colours a state: SERVING green, DRAINING yellow, INVALID red. */
  public String state(String state) {
    return switch (state) {
      case "SERVING" -> green(state);
      case "DRAINING" -> yellow(state);
      case Views.INVALID -> red(state);
      default -> state;
    };
  }

  private String wrap(String code, String text) {
    return enabled && !text.isEmpty() ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }
}
