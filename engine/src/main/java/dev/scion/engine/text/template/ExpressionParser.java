package dev.scion.engine.text.template;

import dev.scion.engine.text.template.Expr.Keyword;
import dev.scion.engine.text.template.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for Jinja2 expressions with Jinja2's precedence: conditional, or, and, not, comparisons,
 * + -, ~, * / // %, **, unary - +, then primary with postfix (. [] ()) and filter/test suffixes (| is).
 */
final class ExpressionParser {
  private static final int MAX_NESTING = 200;
  private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");

  private final TokenStream in;
  private int nesting;

  ExpressionParser(TokenStream in) {
    this.in = in;
  }

  Expr expression() {
    enter();
    try {
      return conditional();
    } finally {
      nesting--;
    }
  }

  private void enter() {
    if (++nesting > MAX_NESTING) {
      throw in.peek().pos().error("expression is nested more than " + MAX_NESTING + " levels deep");
    }
  }

  /**
   * A comma-separated list that becomes a tuple when it has a comma ({@code {{ a, b }}}, {@code set x = 1, 2}).
   * Without condexpr, {@code if} ends the expression (for-loop filters, if-statement tests).
   */
  Expr tuple(boolean withCondexpr, Set<String> endNames, boolean explicitParentheses) {
    Pos start = in.peek().pos();
    List<Expr> items = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!items.isEmpty()) {
        in.expectOperator(",");
      }
      if (isTupleEnd(endNames)) {
        break;
      }
      items.add(withCondexpr ? expression() : or());
      if (in.peek().isOperator(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (!isTuple) {
      if (!items.isEmpty()) {
        return items.get(0);
      }
      if (!explicitParentheses) {
        throw in.unexpected("an expression");
      }
    }
    return new Expr.TupleExpr(start, items);
  }

  private boolean isTupleEnd(Set<String> endNames) {
    Token t = in.peek();
    return t.kind() == Kind.VARIABLE_END || t.kind() == Kind.BLOCK_END || t.kind() == Kind.EOF
        || t.isOperator(")") || (t.kind() == Kind.NAME && endNames.contains(t.text()));
  }

  private Expr conditional() {
    Expr expr = or();
    while (in.peek().isName("if")) {
      Pos at = in.next().pos();
      Expr condition = or();
      Expr otherwise = in.skipName("else") ? conditional() : null;
      expr = new Expr.Conditional(at, condition, expr, otherwise);
    }
    return expr;
  }

  private Expr or() {
    Expr left = and();
    while (in.peek().isName("or")) {
      Pos at = in.next().pos();
      left = new Expr.Binary(at, "or", left, and());
    }
    return left;
  }

  private Expr and() {
    Expr left = not();
    while (in.peek().isName("and")) {
      Pos at = in.next().pos();
      left = new Expr.Binary(at, "and", left, not());
    }
    return left;
  }

  private Expr not() {
    if (in.peek().isName("not")) {
      Pos at = in.next().pos();
      enter();
      try {
        return new Expr.Unary(at, "not", not());
      } finally {
        nesting--;
      }
    }
    return compare();
  }

  private Expr compare() {
    Expr first = math1();
    List<String> ops = new ArrayList<>();
    List<Expr> rest = new ArrayList<>();
    while (true) {
      Token t = in.peek();
      if (t.kind() == Kind.OPERATOR && COMPARISONS.contains(t.text())) {
        ops.add(in.next().text());
      } else if (t.isName("in")) {
        in.next();
        ops.add("in");
      } else if (t.isName("not") && in.peek(1).isName("in")) {
        in.next();
        in.next();
        ops.add("not in");
      } else {
        break;
      }
      rest.add(math1());
    }
    return ops.isEmpty() ? first : new Expr.Compare(first.pos(), first, ops, rest);
  }

  private Expr math1() {
    Expr left = concat();
    while (in.peek().isOperator("+") || in.peek().isOperator("-")) {
      Token op = in.next();
      left = new Expr.Binary(op.pos(), op.text(), left, concat());
    }
    return left;
  }

  private Expr concat() {
    Expr left = math2();
    while (in.peek().isOperator("~")) {
      Token op = in.next();
      left = new Expr.Binary(op.pos(), "~", left, math2());
    }
    return left;
  }

  private Expr math2() {
    Expr left = pow();
    while (true) {
      Token t = in.peek();
      if (!(t.isOperator("*") || t.isOperator("/") || t.isOperator("//") || t.isOperator("%"))) {
        return left;
      }
      in.next();
      left = new Expr.Binary(t.pos(), t.text(), left, pow());
    }
  }

  private Expr pow() {
    Expr left = unary(true);
    while (in.peek().isOperator("**")) {
      Token op = in.next();
      left = new Expr.Binary(op.pos(), "**", left, unary(true));
    }
    return left;
  }

  private Expr unary(boolean withFilter) {
    enter();
    try {
      Token t = in.peek();
      Expr node;
      if (t.isOperator("-") || t.isOperator("+")) {
        in.next();
        node = new Expr.Unary(t.pos(), t.text(), unary(false));
      } else {
        node = primary();
      }
      node = postfix(node);
      return withFilter ? filterSuffixes(node) : node;
    } finally {
      nesting--;
    }
  }

  private Expr primary() {
    Token t = in.next();
    switch (t.kind()) {
      case NAME:
        switch (t.text()) {
          case "true": case "True": return new Expr.Literal(t.pos(), Boolean.TRUE);
          case "false": case "False": return new Expr.Literal(t.pos(), Boolean.FALSE);
          case "none": case "None": return new Expr.Literal(t.pos(), null);
          default: return new Expr.Name(t.pos(), t.text());
        }
      case STRING: {
        StringBuilder s = new StringBuilder(t.text());
        while (in.peek().kind() == Kind.STRING) {
          s.append(in.next().text());
        }
        return new Expr.Literal(t.pos(), s.toString());
      }
      case INTEGER:
        return integerLiteral(t);
      case FLOAT:
        return new Expr.Literal(t.pos(), Double.parseDouble(t.text()));
      case OPERATOR:
        if (t.text().equals("(")) {
          Expr inner = tuple(true, Set.of(), true);
          in.expectOperator(")");
          return inner;
        }
        if (t.text().equals("[")) {
          return list(t.pos());
        }
        if (t.text().equals("{")) {
          return dict(t.pos());
        }
        break;
      default:
        break;
    }
    throw t.pos().error("expected an expression but found " + t.describe());
  }

  private static Expr.Literal integerLiteral(Token t) {
    try {
      return new Expr.Literal(t.pos(), Long.parseLong(t.text()));
    } catch (NumberFormatException e) {
      throw t.pos().error("integer literal " + t.text() + " is too large (integers are limited to 64 bits)");
    }
  }

  private Expr list(Pos at) {
    List<Expr> items = new ArrayList<>();
    while (!in.peek().isOperator("]")) {
      if (!items.isEmpty()) {
        in.expectOperator(",");
        if (in.peek().isOperator("]")) {
          break;
        }
      }
      items.add(expression());
    }
    in.expectOperator("]");
    return new Expr.ListExpr(at, items);
  }

  private Expr dict(Pos at) {
    List<Expr> keys = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (!in.peek().isOperator("}")) {
      if (!keys.isEmpty()) {
        in.expectOperator(",");
        if (in.peek().isOperator("}")) {
          break;
        }
      }
      keys.add(expression());
      in.expectOperator(":");
      values.add(expression());
    }
    in.expectOperator("}");
    return new Expr.DictExpr(at, keys, values);
  }

  private Expr postfix(Expr node) {
    while (true) {
      Token t = in.peek();
      if (t.isOperator(".")) {
        in.next();
        Token attr = in.next();
        if (attr.kind() == Kind.NAME) {
          node = new Expr.Attribute(attr.pos(), node, attr.text());
        } else if (attr.kind() == Kind.INTEGER) {
          node = new Expr.Item(attr.pos(), node, integerLiteral(attr));
        } else {
          throw attr.pos().error("expected an attribute name after '.' but found " + attr.describe());
        }
      } else if (t.isOperator("[")) {
        in.next();
        node = new Expr.Item(t.pos(), node, subscript(t.pos()));
      } else if (t.isOperator("(")) {
        node = call(node);
      } else {
        return node;
      }
    }
  }

  private Expr subscript(Pos at) {
    List<Expr> parts = new ArrayList<>();
    while (!in.peek().isOperator("]")) {
      if (!parts.isEmpty()) {
        in.expectOperator(",");
        if (in.peek().isOperator("]")) {
          break;
        }
      }
      parts.add(subscribed());
    }
    in.expectOperator("]");
    if (parts.isEmpty()) {
      throw at.error("empty subscript '[]'");
    }
    return parts.size() == 1 ? parts.get(0) : new Expr.TupleExpr(at, parts);
  }

  private Expr subscribed() {
    Pos at = in.peek().pos();
    Expr start = null;
    if (!in.peek().isOperator(":")) {
      start = expression();
      if (!in.peek().isOperator(":")) {
        return start;
      }
    }
    in.expectOperator(":");
    Expr stop = isSliceEnd() || in.peek().isOperator(":") ? null : expression();
    Expr step = null;
    if (in.skipOperator(":") && !isSliceEnd()) {
      step = expression();
    }
    return new Expr.Slice(at, start, stop, step);
  }

  private boolean isSliceEnd() {
    return in.peek().isOperator("]") || in.peek().isOperator(",");
  }

  private Expr.Call call(Expr callee) {
    Pos at = in.expectOperator("(").pos();
    List<Expr> args = new ArrayList<>();
    List<Keyword> kwargs = new ArrayList<>();
    arguments(args, kwargs);
    return new Expr.Call(at, callee, args, kwargs);
  }

  /** Parses {@code a, b, name=c)} after an opening parenthesis, through the closing one. */
  void arguments(List<Expr> args, List<Keyword> kwargs) {
    while (!in.peek().isOperator(")")) {
      if (!args.isEmpty() || !kwargs.isEmpty()) {
        in.expectOperator(",");
        if (in.peek().isOperator(")")) {
          break;
        }
      }
      Token t = in.peek();
      if (t.isOperator("*") || t.isOperator("**")) {
        throw t.pos().error("*args and **kwargs in calls are not supported");
      }
      if (t.kind() == Kind.NAME && in.peek(1).isOperator("=")) {
        in.next();
        in.next();
        kwargs.add(new Keyword(t.text(), expression()));
      } else {
        if (!kwargs.isEmpty()) {
          throw t.pos().error("positional argument follows keyword argument");
        }
        args.add(expression());
      }
    }
    in.expectOperator(")");
  }

  private Expr filterSuffixes(Expr node) {
    while (true) {
      Token t = in.peek();
      if (t.isOperator("|")) {
        in.next();
        node = filter(node);
      } else if (t.isName("is")) {
        in.next();
        node = test(t.pos(), node);
      } else if (t.isOperator("(")) {
        node = call(node);
      } else {
        return node;
      }
    }
  }

  /** One filter after '|' (already consumed); {@code value} may be null for a filter block. */
  Expr.Filter filter(Expr value) {
    Token nameToken = in.expectKind(Kind.NAME, "a filter name");
    String name = dottedName(nameToken.text());
    List<Expr> args = new ArrayList<>();
    List<Keyword> kwargs = new ArrayList<>();
    if (in.skipOperator("(")) {
      arguments(args, kwargs);
    }
    return new Expr.Filter(nameToken.pos(), value, name, args, kwargs);
  }

  private Expr test(Pos at, Expr value) {
    boolean negated = in.skipName("not");
    String name = dottedName(in.expectName("a test name"));
    List<Expr> args = new ArrayList<>();
    Token t = in.peek();
    if (t.isOperator("(")) {
      in.next();
      List<Keyword> kwargs = new ArrayList<>();
      arguments(args, kwargs);
      if (!kwargs.isEmpty()) {
        throw t.pos().error("test '" + name + "' does not take keyword arguments");
      }
    } else if ((t.kind() == Kind.NAME || t.kind() == Kind.STRING || t.kind() == Kind.INTEGER
        || t.kind() == Kind.FLOAT || t.isOperator("[") || t.isOperator("{"))
        && !(t.isName("else") || t.isName("or") || t.isName("and"))) {
      if (t.isName("is")) {
        throw t.pos().error("'is' cannot follow a test name");
      }
      args.add(postfix(primary()));
    }
    return new Expr.Test(at, value, name, args, negated);
  }

  private String dottedName(String first) {
    StringBuilder name = new StringBuilder(first);
    while (in.peek().isOperator(".") && in.peek(1).kind() == Kind.NAME) {
      in.next();
      name.append('.').append(in.next().text());
    }
    return name.toString();
  }
}
