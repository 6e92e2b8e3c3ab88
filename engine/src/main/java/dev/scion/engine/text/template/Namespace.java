package dev.scion.engine.text.template;

import java.util.LinkedHashMap;
import java.util.Map;

/** The object {@code namespace(...)} returns: the one value whose attributes a template may assign. */
final class Namespace {
  final Map<String, Object> attributes = new LinkedHashMap<>();
}
