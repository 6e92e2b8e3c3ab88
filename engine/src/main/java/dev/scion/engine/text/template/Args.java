package dev.scion.engine.text.template;

import java.util.List;
import java.util.Map;

/** The arguments of one call to a built-in function, filter or method, with Python-style lookup by position or name. */
record Args(String function, List<Object> positional, Map<String, Object> keywords, Pos at) {

  /** Fails like Python on more positional arguments than {@code names} or on a keyword not among them. */
  Args accept(String... names) {
    if (positional.size() > names.length) {
      throw at.error(function + "() takes at most " + names.length + " argument(s) but " + positional.size()
          + " were given");
    }
    for (String key : keywords.keySet()) {
      int i = List.of(names).indexOf(key);
      if (i < 0) {
        throw at.error(function + "() got an unexpected keyword argument '" + key + "'");
      }
      if (i < positional.size()) {
        throw at.error(function + "() got multiple values for argument '" + key + "'");
      }
    }
    return this;
  }

  Object get(int index, String name, Object fallback) {
    if (index < positional.size()) {
      return positional.get(index);
    }
    return keywords.containsKey(name) ? keywords.get(name) : fallback;
  }

  boolean has(int index, String name) {
    return index < positional.size() || keywords.containsKey(name);
  }

  Object required(int index, String name) {
    if (!has(index, name)) {
      throw at.error(function + "() missing required argument '" + name + "'");
    }
    return get(index, name, null);
  }

  String string(int index, String name, String fallback) {
    Object v = get(index, name, fallback);
    if (v != null && !(v instanceof String)) {
      throw at.error(function + "() argument '" + name + "' must be a string, not " + Values.typeName(v));
    }
    return (String) v;
  }

  long integer(int index, String name, long fallback) {
    Object v = get(index, name, fallback);
    if (!(v instanceof Long)) {
      throw at.error(function + "() argument '" + name + "' must be an integer, not " + Values.typeName(v));
    }
    return (Long) v;
  }

  boolean flag(int index, String name, boolean fallback) {
    return Values.isTrue(get(index, name, fallback));
  }
}
