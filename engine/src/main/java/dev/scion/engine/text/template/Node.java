package dev.scion.engine.text.template;

import java.util.List;

/** Template statements: the parsed tree the {@link Interpreter} walks. */
interface Node {
  Pos pos();

  /** Literal template text. */
  record Text(Pos pos, String text) implements Node {}

  /** {@code {{ expr }}}. */
  record Output(Pos pos, Expr expr) implements Node {}

  /** if/elif chain; {@code otherwise} is empty when there is no else. */
  record If(Pos pos, List<Branch> branches, List<Node> otherwise) implements Node {}

  record Branch(Expr condition, List<Node> body) {}

  /** {@code for target in iterable [if filter]}; {@code filter} is null when absent. */
  record For(Pos pos, Target target, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise)
      implements Node {}

  /** {@code set target = value}. */
  record Set(Pos pos, Target target, Expr value) implements Node {}

  /** {@code set name}...{@code endset}: captures the rendered body as a string. */
  record SetBlock(Pos pos, String name, List<Node> body) implements Node {}

  /** {@code macro name(params)}; a parameter's default is null when it has none. */
  record Macro(Pos pos, String name, List<Param> params, List<Node> body) implements Node {}

  record Param(String name, Expr defaultValue) {}

  /** {@code call(params) macro(...)}...{@code endcall}: the body becomes {@code caller} inside the macro. */
  record CallBlock(Pos pos, List<Param> callerParams, Expr.Call call, List<Node> body) implements Node {}

  /** {@code filter name(args)}...{@code endfilter}. */
  record FilterBlock(Pos pos, Expr.Filter filter, List<Node> body) implements Node {}

  record Break(Pos pos) implements Node {}

  record Continue(Pos pos) implements Node {}

  /** Assignment targets: a plain name, a tuple of names, or {@code namespace.attr}. */
  interface Target {}

  record NameTarget(String name) implements Target {}

  record TupleTarget(List<String> names) implements Target {}

  record AttributeTarget(String object, String attribute) implements Target {}
}
