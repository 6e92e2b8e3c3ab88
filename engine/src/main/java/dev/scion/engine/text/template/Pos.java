package dev.scion.engine.text.template;

/** A 1-based line and column in the template source, carried by every token and node for error messages. */
record Pos(int line, int column) {
  TemplateException error(String message) {
    return new TemplateException(message, line, column);
  }
}
