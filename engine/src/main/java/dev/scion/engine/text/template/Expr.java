package dev.scion.engine.text.template;

import java.util.List;

/** Template expressions, evaluated by {@link Evaluator}. */
interface Expr {
  Pos pos();

  record Literal(Pos pos, Object value) implements Expr {}

  record Name(Pos pos, String name) implements Expr {}

  record ListExpr(Pos pos, List<Expr> items) implements Expr {}

  record TupleExpr(Pos pos, List<Expr> items) implements Expr {}

  record DictExpr(Pos pos, List<Expr> keys, List<Expr> values) implements Expr {}

  /** {@code obj.name}. */
  record Attribute(Pos pos, Expr object, String name) implements Expr {}

  /** {@code obj[index]}; index may be a {@link Slice}. */
  record Item(Pos pos, Expr object, Expr index) implements Expr {}

  /** {@code start:stop:step}, each part null when omitted. */
  record Slice(Pos pos, Expr start, Expr stop, Expr step) implements Expr {}

  record Keyword(String name, Expr value) {}

  record Call(Pos pos, Expr callee, List<Expr> args, List<Keyword> kwargs) implements Expr {}

  /** {@code value | name(args)}. */
  record Filter(Pos pos, Expr value, String name, List<Expr> args, List<Keyword> kwargs) implements Expr {}

  /** {@code value is [not] name(args)}. */
  record Test(Pos pos, Expr value, String name, List<Expr> args, boolean negated) implements Expr {}

  /** Unary {@code -}, {@code +} or {@code not}. */
  record Unary(Pos pos, String op, Expr operand) implements Expr {}

  /** Arithmetic, {@code ~}, {@code and}, {@code or}. */
  record Binary(Pos pos, String op, Expr left, Expr right) implements Expr {}

  /** Chained comparison {@code a < b <= c}; ops include {@code in} and {@code not in}. */
  record Compare(Pos pos, Expr first, List<String> ops, List<Expr> rest) implements Expr {}

  /** {@code then if condition else otherwise}; otherwise is null when there is no else (gives undefined). */
  record Conditional(Pos pos, Expr condition, Expr then, Expr otherwise) implements Expr {}
}
