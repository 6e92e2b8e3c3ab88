package dev.scion.engine.text.template;

import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: renders template source with variables given as alternating names and values. */
final class Render {
  private Render() {}

  static String render(String source, Object... namesAndValues) {
    return ChatTemplate.parse(source).render(vars(namesAndValues));
  }

  static Map<String, Object> vars(Object... namesAndValues) {
    Map<String, Object> vars = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      vars.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return vars;
  }
}
