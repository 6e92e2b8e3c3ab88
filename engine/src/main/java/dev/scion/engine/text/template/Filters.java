package dev.scion.engine.text.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Jinja2's built-in filters that chat templates use (string and number ones here, the rest in CollectionFilters). */
final class Filters {
  private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)", Pattern.UNICODE_CHARACTER_CLASS);

  private Filters() {}

  static Object apply(String name, Object value, Args a) {
    switch (name) {
      case "default": case "d": {
        a.accept("default_value", "boolean");
        boolean missing = value instanceof Undefined || (a.flag(1, "boolean", false) && !Values.isTrue(value));
        return missing ? a.get(0, "default_value", "") : value;
      }
      case "string": a.accept(); return Values.str(value);
      case "safe": a.accept(); return value;
      case "e": case "escape": a.accept(); return escape(Values.str(value));
      case "trim": {
        a.accept("chars");
        return PythonMethods.StringMethods.strip(Values.str(value), a.string(0, "chars", null), true, true);
      }
      case "upper": a.accept(); return Values.str(value).toUpperCase(Locale.ROOT);
      case "lower": a.accept(); return Values.str(value).toLowerCase(Locale.ROOT);
      case "capitalize": a.accept(); return PythonMethods.StringMethods.capitalize(Values.str(value));
      case "title": a.accept(); return title(Values.str(value));
      case "replace": {
        a.accept("old", "new", "count");
        Object count = a.get(2, "count", null);
        List<Object> args = new ArrayList<>(List.of(a.required(0, "old"), a.required(1, "new")));
        if (count != null) {
          args.add(count);
        }
        return PythonMethods.bind(Values.str(value), "replace").call(args, Map.of(), a.at());
      }
      case "indent":
        if (!(value instanceof String)) {
          throw a.at().error("indent filter needs a string, not " + Values.typeName(value));
        }
        return indent((String) value, a);
      case "center": {
        a.accept("width");
        String text = Values.str(value);
        long width = Math.min(a.integer(0, "width", 80), Budget.MAX_CHARS);
        long padding = width - text.length();
        if (padding <= 0) {
          return text;
        }
        // Python's str.center puts the odd extra space on the left when the text length is odd.
        long left = padding / 2 + (padding & width & 1);
        return " ".repeat((int) left) + text + " ".repeat((int) (padding - left));
      }
      case "wordcount": {
        a.accept();
        Matcher m = WORD.matcher(Values.str(value));
        long n = 0;
        while (m.find()) {
          n++;
        }
        return n;
      }
      case "length": case "count": a.accept(); return (long) Values.length(value, a.at());
      case "tojson": {
        a.accept("ensure_ascii", "indent", "separators", "sort_keys");
        String json = Json.dumps(value, a.get(1, "indent", null), a.get(2, "separators", null),
            a.flag(3, "sort_keys", false), a.at());
        return a.flag(0, "ensure_ascii", false) ? asciiOnly(json) : json;
      }
      case "int": case "float":
        if (value instanceof Undefined) {
          throw ((Undefined) value).error(a.at());
        }
        return name.equals("int") ? toInt(value, a) : toFloat(value, a);
      case "abs": {
        a.accept();
        if (value instanceof Double) {
          return Math.abs((Double) value);
        }
        if (Values.isIntegral(value)) {
          return Math.abs(Values.asLong(value));
        }
        throw a.at().error("bad operand type for abs(): '" + Values.typeName(value) + "'");
      }
      case "round": return round(value, a);
      default: return CollectionFilters.apply(name, value, a);
    }
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&': out.append("&amp;"); break;
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '"': out.append("&#34;"); break;
        case '\'': out.append("&#39;"); break;
        default: out.append(c);
      }
    }
    return out.toString();
  }

  private static String asciiOnly(String json) {
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      out.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }

  /** Jinja2's title filter: capitalises after whitespace, '-', and opening brackets (unlike str.title). */
  private static String title(String s) {
    StringBuilder out = new StringBuilder();
    Matcher m = WORD_BEGINNING.matcher(s);
    int last = 0;
    while (m.find()) {
      titleWord(s.substring(last, m.start()), out);
      out.append(m.group());
      last = m.end();
    }
    titleWord(s.substring(last), out);
    return out.toString();
  }

  private static void titleWord(String word, StringBuilder out) {
    if (!word.isEmpty()) {
      int first = word.codePointAt(0);
      out.appendCodePoint(Character.toUpperCase(first));
      out.append(word.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
    }
  }

  private static String indent(String s, Args a) {
    a.accept("width", "first", "blank");
    Object width = a.get(0, "width", 4L);
    String pad = width instanceof String ? (String) width : " ".repeat((int) Math.max(0, Math.min(1000,
        Values.isIntegral(width) ? Values.asLong(width) : 4)));
    boolean first = a.flag(1, "first", false);
    boolean blank = a.flag(2, "blank", false);
    // Jinja2 appends a newline before splitlines(), so a trailing newline does not yield an extra indented line.
    List<Object> lines = PythonMethods.StringMethods.splitlines(s + "\n");
    StringBuilder out = new StringBuilder();
    if (first) {
      out.append(pad);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = (String) lines.get(i);
      if (i > 0) {
        out.append('\n');
        if (blank || !line.isEmpty()) {
          out.append(pad);
        }
      }
      out.append(line);
      Budget.checkSize(out.length(), a.at());
    }
    return out.toString();
  }

  private static Object toInt(Object value, Args a) {
    a.accept("default", "base");
    Object fallback = a.get(0, "default", 0L);
    long base = a.integer(1, "base", 10);
    if (Values.isIntegral(value)) {
      return Values.asLong(value);
    }
    if (value instanceof Double) {
      double d = (Double) value;
      return Double.isFinite(d) ? (Object) (long) d : fallback;
    }
    if (value instanceof String) {
      String s = ((String) value).strip().replace("_", "");
      try {
        return Long.parseLong(s, (int) base);
      } catch (NumberFormatException | ClassCastException e) {
        try {
          double d = Double.parseDouble(s);
          return Double.isFinite(d) ? (Object) (long) d : fallback;
        } catch (NumberFormatException e2) {
          return fallback;
        }
      }
    }
    return fallback;
  }

  private static Object toFloat(Object value, Args a) {
    a.accept("default");
    Object fallback = a.get(0, "default", 0.0);
    if (Values.isNumber(value)) {
      return Values.asDouble(value);
    }
    if (value instanceof String) {
      try {
        return Double.parseDouble(((String) value).strip());
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  /** Python's round(x, n) for method 'common' (half-even on the exact binary value), or ceil/floor. */
  private static Object round(Object value, Args a) {
    a.accept("precision", "method");
    long precision = a.integer(0, "precision", 0);
    String method = a.string(1, "method", "common");
    if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor")) {
      throw a.at().error("method must be 'common', 'ceil' or 'floor'");
    }
    if (!Values.isNumber(value)) {
      throw a.at().error("round filter needs a number, not " + Values.typeName(value));
    }
    if (Values.isIntegral(value) && method.equals("common")) {
      return Values.asLong(value);
    }
    double d = Values.asDouble(value);
    if (!Double.isFinite(d)) {
      return d;
    }
    RoundingMode mode = method.equals("ceil") ? RoundingMode.CEILING
        : method.equals("floor") ? RoundingMode.FLOOR : RoundingMode.HALF_EVEN;
    return new BigDecimal(d).setScale((int) Math.max(-400, Math.min(400, precision)), mode).doubleValue();
  }
}
