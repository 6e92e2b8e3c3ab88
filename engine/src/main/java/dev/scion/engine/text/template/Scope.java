package dev.scion.engine.text.template;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables visible at one point of a render. As in Jinja2, every for-loop iteration and macro call gets a child
 * scope whose assignments do not leak out (which is why templates use {@code namespace()}); if-blocks do not.
 */
final class Scope {
  private final Scope parent;
  private final Map<String, Object> variables = new HashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  Object lookup(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      Object v = s.variables.get(name);
      if (v != null || s.variables.containsKey(name)) {
        return v;
      }
    }
    return Undefined.variable(name);
  }

  void set(String name, Object value) {
    variables.put(name, value);
  }
}
