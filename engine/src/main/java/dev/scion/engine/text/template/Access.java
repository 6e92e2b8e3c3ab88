package dev.scion.engine.text.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attribute ({@code x.name}) and item ({@code x[key]}, {@code x[a:b:c]}) access with Jinja2's rules: a dict's keys
 * are its attributes, a missing one is {@link Undefined}, never an error. Only the whitelisted
 * {@link PythonMethods} are reachable; nothing of the Java objects behind the values is.
 */
final class Access {
  private Access() {}

  static Object attribute(Object obj, String name, Pos at) {
    if (obj instanceof Undefined) {
      throw ((Undefined) obj).error(at);
    }
    if (obj instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) obj;
      if (PythonMethods.has(obj, name)) {
        return PythonMethods.bind(obj, name);
      }
      return map.containsKey(name) ? map.get(name) : Undefined.attribute(obj, name);
    }
    if (obj instanceof Namespace) {
      Map<String, Object> attributes = ((Namespace) obj).attributes;
      return attributes.containsKey(name) ? attributes.get(name) : Undefined.attribute(obj, name);
    }
    if (obj instanceof LoopContext) {
      return ((LoopContext) obj).attribute(name);
    }
    if (PythonMethods.has(obj, name)) {
      return PythonMethods.bind(obj, name);
    }
    return Undefined.attribute(obj, name);
  }

  static Object item(Object obj, Object key, Pos at) {
    if (obj instanceof Undefined) {
      throw ((Undefined) obj).error(at);
    }
    if (key instanceof SliceValue) {
      return slice(obj, (SliceValue) key, at);
    }
    if (obj instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) obj;
      if (map.containsKey(key)) {
        return map.get(key);
      }
      return key instanceof String && PythonMethods.has(obj, (String) key)
          ? PythonMethods.bind(obj, (String) key) : Undefined.attribute(obj, key);
    }
    if ((obj instanceof List || obj instanceof String) && Values.isIntegral(key)) {
      List<Object> seq = sequence(obj);
      long i = Values.asLong(key);
      long index = i < 0 ? i + seq.size() : i;
      return index >= 0 && index < seq.size() ? seq.get((int) index) : Undefined.attribute(obj, key);
    }
    if (key instanceof String) {
      return attribute(obj, (String) key, at);
    }
    return Undefined.attribute(obj, key);
  }

  /** A list's items, or a string's characters as one-character strings (code points, as Python indexes). */
  private static List<Object> sequence(Object obj) {
    if (obj instanceof String) {
      String s = (String) obj;
      if (s.length() == s.codePointCount(0, s.length())) {
        List<Object> chars = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); i++) {
          chars.add(String.valueOf(s.charAt(i)));
        }
        return chars;
      }
      return Values.iterate(s, null);
    }
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) obj;
    return list;
  }

  /** The evaluated {@code start:stop:step} of a subscript; each part null when omitted. */
  record SliceValue(Object start, Object stop, Object step) {}

  static Object slice(Object obj, SliceValue s, Pos at) {
    // Jinja2 compiles a slice to a plain Python subscript, so slicing anything else fails (no Undefined here).
    if (obj instanceof Map) {
      throw at.error("unhashable type: 'slice'");
    }
    if (!(obj instanceof List || obj instanceof String)) {
      throw at.error("'" + Values.typeName(obj) + "' object is not subscriptable");
    }
    List<Object> seq = sequence(obj);
    int n = seq.size();
    long step = sliceIndex(s.step(), 1, at);
    if (step == 0) {
      throw at.error("slice step cannot be zero");
    }
    long start;
    long stop;
    if (step > 0) {
      start = clamp(sliceIndex(s.start(), 0, at), n, 0, n);
      stop = clamp(sliceIndex(s.stop(), n, at), n, 0, n);
    } else {
      start = clamp(sliceIndex(s.start(), n - 1, at), n, -1, n - 1);
      stop = s.stop() == null ? -1 : clamp(sliceIndex(s.stop(), -1, at), n, -1, n - 1);
    }
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.add(seq.get((int) i));
    }
    if (obj instanceof String) {
      StringBuilder sb = new StringBuilder();
      out.forEach(c -> sb.append((String) c));
      return sb.toString();
    }
    return obj instanceof PyTuple ? new PyTuple(out) : out;
  }

  private static long sliceIndex(Object v, long fallback, Pos at) {
    if (v == null) {
      return fallback;
    }
    if (!Values.isIntegral(v)) {
      throw at.error("slice indices must be integers or None, not " + Values.typeName(v));
    }
    return Values.asLong(v);
  }

  /** Python's index adjustment: negative counts from the end, then clamp into [lower, upper]. */
  private static long clamp(long index, int length, long lower, long upper) {
    long i = index < 0 ? index + length : index;
    return Math.max(lower, Math.min(upper, i));
  }
}
