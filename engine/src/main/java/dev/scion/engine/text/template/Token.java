package dev.scion.engine.text.template;

/** One lexical token. {@code text} is the decoded value for strings and the raw spelling for everything else. */
record Token(Kind kind, String text, Pos pos) {
  enum Kind { TEXT, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF }

  boolean is(Kind k, String spelling) {
    return kind == k && text.equals(spelling);
  }

  boolean isOperator(String spelling) {
    return is(Kind.OPERATOR, spelling);
  }

  boolean isName(String name) {
    return is(Kind.NAME, name);
  }

  String describe() {
    switch (kind) {
      case EOF: return "end of template";
      case STRING: return "string literal";
      case TEXT: return "template text";
      default: return "'" + text + "'";
    }
  }
}
