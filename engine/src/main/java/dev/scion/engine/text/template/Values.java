package dev.scion.engine.text.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python semantics for the closed set of runtime values: null (None), {@link Undefined}, Boolean, Long (int),
 * Double (float), String, List (list; {@link PyTuple} for tuple), Map (dict), {@link Namespace},
 * {@link LoopContext} and {@link PyCallable}. Truthiness, str(), repr(), equality, ordering, len() and iteration.
 */
final class Values {
  /** Deeper structures are refused: they can only come from hostile input or self-containing lists. */
  static final int MAX_DEPTH = 500;

  private Values() {}

  /** Converts caller data (Jackson-style maps, lists, boxed numbers) into runtime values, copying containers. */
  static Object fromJava(Object v, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new TemplateException("variable '" + path + "' is nested more than " + MAX_DEPTH + " levels deep", 0, 0);
    }
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float || v instanceof BigDecimal) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof BigInteger) {
      BigInteger b = (BigInteger) v;
      return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
    }
    if (v instanceof Character) {
      return v.toString();
    }
    if (v instanceof Map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        Object key = fromJava(e.getKey(), path, depth + 1);
        copy.put(key, fromJava(e.getValue(), path + "." + e.getKey(), depth + 1));
      }
      return copy;
    }
    if (v instanceof List) {
      List<Object> copy = new ArrayList<>();
      int i = 0;
      for (Object item : (List<?>) v) {
        copy.add(fromJava(item, path + "[" + i++ + "]", depth + 1));
      }
      return copy;
    }
    throw new TemplateException("variable '" + path + "' has unsupported type " + v.getClass().getSimpleName()
        + " (use maps, lists, strings, numbers, booleans or null)", 0, 0);
  }

  static boolean isTrue(Object v) {
    if (v == null || v instanceof Undefined) {
      return false;
    }
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if (v instanceof Long) {
      return (Long) v != 0;
    }
    if (v instanceof Double) {
      return (Double) v != 0.0;
    }
    if (v instanceof String) {
      return !((String) v).isEmpty();
    }
    if (v instanceof List) {
      return !((List<?>) v).isEmpty();
    }
    if (v instanceof Map) {
      return !((Map<?, ?>) v).isEmpty();
    }
    return true;
  }

  /** Python's type name, as used in its error messages. */
  static String typeName(Object v) {
    if (v == null) {
      return "NoneType";
    }
    if (v instanceof Undefined) {
      return "Undefined";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof Long) {
      return "int";
    }
    if (v instanceof Double) {
      return "float";
    }
    if (v instanceof String) {
      return "str";
    }
    if (v instanceof PyTuple) {
      return "tuple";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "dict";
    }
    if (v instanceof Namespace) {
      return "Namespace";
    }
    if (v instanceof LoopContext) {
      return "LoopContext";
    }
    return v instanceof PyCallable ? "function" : "object";
  }

  /** How Jinja2 names an object in "has no attribute" messages. */
  static String objectDescription(Object v) {
    return v == null ? "None" : "'" + typeName(v) + " object'";
  }

  static String str(Object v) {
    if (v instanceof String) {
      return (String) v;
    }
    if (v instanceof Undefined) {
      return "";
    }
    return repr(v);
  }

  static String repr(Object v) {
    StringBuilder out = new StringBuilder();
    repr(v, out, 0);
    return out.toString();
  }

  private static void repr(Object v, StringBuilder out, int depth) {
    if (depth > MAX_DEPTH) {
      throw new TemplateException("value is nested more than " + MAX_DEPTH + " levels deep (self-containing?)", 0, 0);
    }
    if (v == null) {
      out.append("None");
    } else if (v instanceof Undefined) {
      out.append("Undefined");
    } else if (v instanceof Boolean) {
      out.append((Boolean) v ? "True" : "False");
    } else if (v instanceof Long) {
      out.append((long) (Long) v);
    } else if (v instanceof Double) {
      out.append(formatFloat((Double) v));
    } else if (v instanceof String) {
      quote((String) v, out);
    } else if (v instanceof List) {
      boolean tuple = v instanceof PyTuple;
      List<?> list = (List<?>) v;
      out.append(tuple ? '(' : '[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        repr(list.get(i), out, depth + 1);
      }
      out.append(tuple && list.size() == 1 ? ",)" : tuple ? ")" : "]");
    } else if (v instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        repr(e.getKey(), out, depth + 1);
        out.append(": ");
        repr(e.getValue(), out, depth + 1);
      }
      out.append('}');
    } else if (v instanceof Namespace) {
      out.append("<Namespace ");
      repr(((Namespace) v).attributes, out, depth + 1);
      out.append('>');
    } else {
      out.append('<').append(typeName(v)).append('>');
    }
  }

  /** Python's repr of a str: single quotes unless the text has a single quote and no double quote. */
  private static void quote(String s, StringBuilder out) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    out.append(q);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == q || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append(q);
  }

  /** Python's float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
  static String formatFloat(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal shortest = exact;
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == d) {
        shortest = candidate;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    String digits = shortest.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    String sign = d < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      String plain = shortest.abs().toPlainString();
      return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String exp = String.valueOf(Math.abs(exponent));
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (exp.length() < 2 ? "0" + exp : exp);
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean;
  }

  /** int or bool (Python's bool is an int). */
  static boolean isIntegral(Object v) {
    return v instanceof Long || v instanceof Boolean;
  }

  static long asLong(Object v) {
    return v instanceof Boolean ? ((Boolean) v ? 1L : 0L) : ((Number) v).longValue();
  }

  static double asDouble(Object v) {
    return v instanceof Boolean ? ((Boolean) v ? 1.0 : 0.0) : ((Number) v).doubleValue();
  }

  static boolean equal(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined;
    }
    if (isNumber(a) && isNumber(b)) {
      return isIntegral(a) && isIntegral(b) ? asLong(a) == asLong(b) : asDouble(a) == asDouble(b);
    }
    if (a instanceof List && b instanceof List) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if ((a instanceof PyTuple) != (b instanceof PyTuple) || x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map && b instanceof Map) {
      Map<?, ?> x = (Map<?, ?>) a;
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Python ordering for {@code < <= > >=}, sort, min and max; other type pairs fail as in Python. */
  static int compare(Object a, Object b, Pos at) {
    if (isNumber(a) && isNumber(b)) {
      return isIntegral(a) && isIntegral(b) ? Long.compare(asLong(a), asLong(b))
          : Double.compare(asDouble(a), asDouble(b));
    }
    if (a instanceof String && b instanceof String) {
      return ((String) a).compareTo((String) b);
    }
    if (a instanceof List && b instanceof List) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return compare(x.get(i), y.get(i), at);
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    if (a instanceof Undefined) {
      throw ((Undefined) a).error(at);
    }
    if (b instanceof Undefined) {
      throw ((Undefined) b).error(at);
    }
    throw at.error("'<' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
  }

  static int length(Object v, Pos at) {
    if (v instanceof String) {
      String s = (String) v;
      return s.codePointCount(0, s.length());
    }
    if (v instanceof List) {
      return ((List<?>) v).size();
    }
    if (v instanceof Map) {
      return ((Map<?, ?>) v).size();
    }
    if (v instanceof Undefined) {
      return 0;
    }
    throw at.error("object of type '" + typeName(v) + "' has no len()");
  }

  /** A snapshot of what {@code for x in v} visits: list items, dict keys, string characters. */
  static List<Object> iterate(Object v, Pos at) {
    if (v instanceof List) {
      return new ArrayList<>((List<?>) v);
    }
    if (v instanceof Map) {
      return new ArrayList<>(((Map<?, ?>) v).keySet());
    }
    if (v instanceof String) {
      List<Object> chars = new ArrayList<>();
      ((String) v).codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
      return chars;
    }
    if (v instanceof Undefined) {
      return new ArrayList<>();
    }
    throw at.error("'" + typeName(v) + "' object is not iterable");
  }

  static boolean isIterable(Object v) {
    return v instanceof List || v instanceof Map || v instanceof String;
  }
}
