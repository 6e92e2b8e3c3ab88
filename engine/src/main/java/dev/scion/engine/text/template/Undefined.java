package dev.scion.engine.text.template;

/**
 * Jinja2's default {@code Undefined}: prints as empty, is falsy, iterates as empty and has length 0, but any attribute,
 * item, call or arithmetic on it fails with the message saying what was missing.
 */
final class Undefined {
  private final String hint;

  Undefined(String hint) {
    this.hint = hint;
  }

  static Undefined variable(String name) {
    return new Undefined("'" + name + "' is undefined");
  }

  static Undefined attribute(Object owner, Object name) {
    String key = name instanceof String ? "'" + name + "'" : Values.repr(name);
    return new Undefined(Values.objectDescription(owner) + " has no attribute " + key);
  }

  String hint() {
    return hint;
  }

  TemplateException error(Pos at) {
    return at.error(hint);
  }

  @Override
  public String toString() {
    return "";
  }
}
