package dev.switchboard.rpc.registry;

/**
 * The one rule for showing a registry URI (or a channel target made from one) in a message or a
 * log: redact by default. The user information ({@code user:password@}) becomes {@code ***@}
 * and every parameter value becomes {@code ***}, whatever its name, so a misspelt
 * {@code trustStorePasswd=} is hidden as well as a known one; the scheme, the servers, the path
 * and the parameter names stay, which is what a reader needs to find the fault.
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
    String fragment = "";
    int hash = text.indexOf('#');
    if (hash >= 0) {
      fragment = "#***";
      text = text.substring(0, hash);
    }
    String query = null;
    int question = text.indexOf('?');
    if (question >= 0) {
      query = text.substring(question + 1);
      text = text.substring(0, question);
    }
    int start = text.indexOf("://");
    int authorityStart = start < 0 ? 0 : start + 3;
    int authorityEnd = text.indexOf('/', authorityStart);
    if (authorityEnd < 0) {
      authorityEnd = text.length();
    }
    int at = text.lastIndexOf('@', authorityEnd - 1);
    if (at >= authorityStart) {
      text = text.substring(0, authorityStart) + "***" + text.substring(at);
    }
    StringBuilder out = new StringBuilder(text);
    if (query != null) {
      out.append('?');
      String[] parameters = query.split("&", -1);
      for (int i = 0; i < parameters.length; i++) {
        if (i > 0) {
          out.append('&');
        }
        int equals = parameters[i].indexOf('=');
        out.append(equals < 0 ? parameters[i] : parameters[i].substring(0, equals) + "=***");
      }
    }
    return out.append(fragment).toString();
  }
}
