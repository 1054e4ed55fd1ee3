package dev.switchboard.admin.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Building HTML from registry data, which is hostile: every value goes through {@link #text}
 * (element content and double-quoted attributes alike), and every value in a link through
 * {@link #query}. Nothing from the registry is ever put into a script, a style or an unquoted
 * attribute. Not thread-safe.
 */
final class Html {
  private final StringBuilder out = new StringBuilder(8_192);

  /** Escapes {@code value} for element content and double-quoted attribute values. */
  static String text(Object value) {
    String text = value == null ? "" : value.toString();
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        case '`' -> escaped.append("&#96;");
        default -> {
          if (Character.isISOControl(c) && c != '\n' && c != '\t') {
            escaped.append('\uFFFD');
          } else {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }

  /** Encodes {@code value} for a query parameter. */
  static String query(String value) {
    return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
  }

  /** Appends trusted markup (written in this package, never data). */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Appends {@code value}, escaped. */
  Html esc(Object value) {
    out.append(text(value));
    return this;
  }

  /** Appends {@code <tag class="cssClass">escaped value</tag>}. */
  Html element(String tag, String cssClass, Object value) {
    out.append('<').append(tag);
    if (cssClass != null && !cssClass.isEmpty()) {
      out.append(" class=\"").append(text(cssClass)).append('"');
    }
    out.append('>').append(text(value)).append("</").append(tag).append('>');
    return this;
  }

  /** Appends a table cell that the page's script keeps current: {@code data-field}. */
  Html cell(String field, Object value) {
    return cell(field, value, null);
  }

  Html cell(String field, Object value, String cssClass) {
    out.append("<td data-field=\"").append(text(field)).append('"');
    if (cssClass != null) {
      out.append(" class=\"").append(text(cssClass)).append('"');
    }
    out.append('>').append(text(value)).append("</td>");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
