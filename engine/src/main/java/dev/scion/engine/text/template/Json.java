package dev.scion.engine.text.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as Hugging Face's {@code tojson} filter calls it: {@code ensure_ascii=False}, separators
 * {@code ", "} and {@code ": "} (or {@code ","} between items when indenting), key order kept unless sort_keys.
 */
final class Json {
  private final String indent;
  private final String itemSeparator;
  private final String keySeparator;
  private final boolean sortKeys;
  private final Pos at;
  private final StringBuilder out = new StringBuilder();

  private Json(String indent, String itemSeparator, String keySeparator, boolean sortKeys, Pos at) {
    this.indent = indent;
    this.itemSeparator = itemSeparator;
    this.keySeparator = keySeparator;
    this.sortKeys = sortKeys;
    this.at = at;
  }

  /** {@code tojson(value, indent=None, separators=None, sort_keys=False)}; indent is an int or a string. */
  static String dumps(Object value, Object indent, Object separators, boolean sortKeys, Pos at) {
    String indentText = null;
    if (indent instanceof Long) {
      indentText = " ".repeat((int) Math.max(0, Math.min(64, (Long) indent)));
    } else if (indent instanceof String) {
      indentText = (String) indent;
    } else if (indent != null) {
      throw at.error("tojson indent must be an integer or a string, not " + Values.typeName(indent));
    }
    String item = indentText == null ? ", " : ",";
    String key = ": ";
    if (separators != null) {
      if (!(separators instanceof List) || ((List<?>) separators).size() != 2
          || !(((List<?>) separators).get(0) instanceof String) || !(((List<?>) separators).get(1) instanceof String)) {
        throw at.error("tojson separators must be a pair of strings such as (',', ':')");
      }
      item = (String) ((List<?>) separators).get(0);
      key = (String) ((List<?>) separators).get(1);
    }
    Json json = new Json(indentText, item, key, sortKeys, at);
    json.write(value, 0);
    return json.out.toString();
  }

  private void write(Object v, int depth) {
    if (depth > Values.MAX_DEPTH) {
      throw at.error("tojson: value is nested more than " + Values.MAX_DEPTH + " levels (circular reference?)");
    }
    Budget.checkSize(out.length(), at);
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean) {
      out.append((Boolean) v ? "true" : "false");
    } else if (v instanceof Long) {
      out.append((long) (Long) v);
    } else if (v instanceof Double) {
      double d = (Double) v;
      out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
          : Values.formatFloat(d));
    } else if (v instanceof String) {
      string((String) v);
    } else if (v instanceof List) {
      List<?> list = (List<?>) v;
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        separator(i > 0, depth + 1);
        write(list.get(i), depth + 1);
      }
      closing(depth);
      out.append(']');
    } else if (v instanceof Map) {
      object((Map<?, ?>) v, depth);
    } else if (v instanceof Namespace) {
      object(((Namespace) v).attributes, depth);
    } else {
      throw at.error("Object of type " + Values.typeName(v) + " is not JSON serializable");
    }
  }

  private void object(Map<?, ?> map, int depth) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
    if (sortKeys) {
      entries.sort((a, b) -> Values.compare(a.getKey(), b.getKey(), at));
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : entries) {
      separator(!first, depth + 1);
      first = false;
      string(key(e.getKey()));
      out.append(keySeparator);
      write(e.getValue(), depth + 1);
    }
    closing(depth);
    out.append('}');
  }

  /** Python converts int, float, bool and None keys to strings; other keys are an error. */
  private String key(Object k) {
    if (k instanceof String) {
      return (String) k;
    }
    if (k == null) {
      return "null";
    }
    if (k instanceof Boolean) {
      return (Boolean) k ? "true" : "false";
    }
    if (k instanceof Long || k instanceof Double) {
      return Values.repr(k);
    }
    throw at.error("keys must be str, int, float, bool or None, not " + Values.typeName(k));
  }

  private void separator(boolean needComma, int depth) {
    if (needComma) {
      out.append(itemSeparator);
    }
    if (indent != null) {
      out.append('\n').append(indent.repeat(depth));
    }
  }

  private void closing(int depth) {
    if (indent != null) {
      out.append('\n').append(indent.repeat(depth));
    }
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}
