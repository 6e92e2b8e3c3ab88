package dev.scion.engine.text.template;

import dev.scion.engine.text.template.Node.Param;
import java.util.List;
import java.util.Map;

/**
 * A defined macro (or the body of a call block, passed to the macro as {@code caller}): calling it renders the body
 * in a child of the scope it was defined in and returns the text. Missing arguments without a default are undefined,
 * as in Jinja2.
 */
final class MacroValue implements PyCallable {
  private final String name;
  private final List<Param> params;
  private final List<Node> body;
  private final Scope closure;
  private final Interpreter interpreter;

  MacroValue(String name, List<Param> params, List<Node> body, Scope closure, Interpreter interpreter) {
    this.name = name;
    this.params = params;
    this.body = body;
    this.closure = closure;
    this.interpreter = interpreter;
  }

  @Override
  public Object call(List<Object> args, Map<String, Object> kwargs, Pos at) {
    if (args.size() > params.size()) {
      throw at.error("macro '" + name + "' takes not more than " + params.size() + " argument(s), "
          + args.size() + " given");
    }
    Scope scope = new Scope(closure);
    for (String key : kwargs.keySet()) {
      boolean known = key.equals("caller") || params.stream().anyMatch(p -> p.name().equals(key));
      if (!known) {
        throw at.error("macro '" + name + "' takes no keyword argument '" + key + "'");
      }
    }
    if (kwargs.containsKey("caller")) {
      scope.set("caller", kwargs.get("caller"));
    }
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      if (i < args.size()) {
        if (kwargs.containsKey(p.name())) {
          throw at.error("macro '" + name + "' got multiple values for argument '" + p.name() + "'");
        }
        scope.set(p.name(), args.get(i));
      } else if (kwargs.containsKey(p.name())) {
        scope.set(p.name(), kwargs.get(p.name()));
      } else if (p.defaultValue() != null) {
        scope.set(p.name(), interpreter.evaluator().eval(p.defaultValue(), scope));
      } else {
        scope.set(p.name(), new Undefined("parameter '" + p.name() + "' was not provided"));
      }
    }
    return interpreter.renderCall(body, scope, at);
  }
}
