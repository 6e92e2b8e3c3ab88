package dev.scion.engine.text.template;

import dev.scion.engine.text.template.Token.Kind;
import java.util.List;

/** A cursor over the lexer's tokens with the expect-or-fail helpers both parsers share. */
final class TokenStream {
  private final List<Token> tokens;
  private int index;

  TokenStream(List<Token> tokens) {
    this.tokens = tokens;
  }

  Token peek() {
    return tokens.get(index);
  }

  Token peek(int ahead) {
    return tokens.get(Math.min(index + ahead, tokens.size() - 1));
  }

  Token next() {
    Token t = tokens.get(index);
    if (t.kind() != Kind.EOF) {
      index++;
    }
    return t;
  }

  boolean skipOperator(String op) {
    if (peek().isOperator(op)) {
      next();
      return true;
    }
    return false;
  }

  boolean skipName(String name) {
    if (peek().isName(name)) {
      next();
      return true;
    }
    return false;
  }

  Token expectOperator(String op) {
    if (!peek().isOperator(op)) {
      throw unexpected("'" + op + "'");
    }
    return next();
  }

  Token expectKind(Kind kind, String what) {
    if (peek().kind() != kind) {
      throw unexpected(what);
    }
    return next();
  }

  String expectName(String what) {
    return expectKind(Kind.NAME, what).text();
  }

  void expectKeyword(String keyword) {
    if (!peek().isName(keyword)) {
      throw unexpected("'" + keyword + "'");
    }
    next();
  }

  TemplateException unexpected(String expected) {
    Token t = peek();
    return t.pos().error("expected " + expected + " but found " + t.describe());
  }
}
