package dev.switchboard.rpc.registry;

/**
 * The one rule for showing a registry URI (or a channel target made from one) in a message or a
 * log: redact by default. The user information ({@code user:password@}) becomes {@code ***@}
 * and every parameter value becomes {@code ***}, whatever its name, so a misspelt
 * {@code trustStorePasswd=} is hidden as well as a known one (a parameter without a value is
 * hidden whole); the scheme, the servers, the path and the parameter names stay, which is what a
 * reader needs to find the fault. Everything up to the last {@code @} counts as user
 * information, so a password with an unencoded {@code /}, {@code ?} or {@code #} stays hidden.
 *
 * <p>Works on any string, well-formed URI or not. Stateless and thread-safe.
 */
public final class RegistryUris {
  private RegistryUris() {}

  /** Returns {@code uri} with its user information and parameter values replaced by {@code ***}. */
  public static String redact(Object uri) {
    if (uri == null) {
      return "null";
    }
    String text = uri.toString();
    int start = text.indexOf("://");
    int authorityStart = start < 0 ? 0 : start + 3;
    // A password may hold an unencoded '/', '?' or '#': everything up to the last '@' is hidden
    // (over-hiding an '@' that belongs to a parameter is the safe mistake).
    int at = text.lastIndexOf('@');
    String head = text.substring(0, authorityStart);
    String rest = text.substring(authorityStart);
    if (at >= authorityStart) {
      head = head + "***@";
      rest = text.substring(at + 1);
    }
    String fragment = "";
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      fragment = "#***";
      rest = rest.substring(0, hash);
    }
    StringBuilder out = new StringBuilder(head);
    int question = rest.indexOf('?');
    if (question < 0) {
      return out.append(rest).append(fragment).toString();
    }
    out.append(rest, 0, question).append('?');
    String[] parameters = rest.substring(question + 1).split("&", -1);
    for (int i = 0; i < parameters.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      int equals = parameters[i].indexOf('=');
      out.append(equals < 0 ? (parameters[i].isEmpty() ? "" : "***")
          : parameters[i].substring(0, equals) + "=***");
    }
    return out.append(fragment).toString();
  }
}
