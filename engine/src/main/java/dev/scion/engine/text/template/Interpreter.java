package dev.scion.engine.text.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Executes statements, writing text to an {@link Output}; break/continue travel up as a {@link Flow}. */
final class Interpreter {
  enum Flow { NORMAL, BREAK, CONTINUE }

  private final Budget budget;
  private final Evaluator evaluator;

  Interpreter(Budget budget) {
    this.budget = budget;
    this.evaluator = new Evaluator(budget);
  }

  Evaluator evaluator() {
    return evaluator;
  }

  Flow run(List<Node> nodes, Scope scope, Output out) {
    for (Node node : nodes) {
      budget.step(node.pos());
      Flow flow = execute(node, scope, out);
      if (flow != Flow.NORMAL) {
        return flow;
      }
    }
    return Flow.NORMAL;
  }

  /** Renders a macro body in its own output, for the value of a call. */
  String renderCall(List<Node> body, Scope scope, Pos at) {
    budget.enterCall(at);
    try {
      Output out = new Output();
      run(body, scope, out);
      return out.toString();
    } finally {
      budget.exitCall();
    }
  }

  private Flow execute(Node node, Scope scope, Output out) {
    if (node instanceof Node.Text) {
      out.append(((Node.Text) node).text(), node.pos());
    } else if (node instanceof Node.Output) {
      String text = Values.str(evaluator.eval(((Node.Output) node).expr(), scope));
      budget.charge(text, node.pos());
      out.append(text, node.pos());
    } else if (node instanceof Node.If) {
      Node.If branch = (Node.If) node;
      for (Node.Branch b : branch.branches()) {
        if (Values.isTrue(evaluator.eval(b.condition(), scope))) {
          return run(b.body(), scope, out);
        }
      }
      return run(branch.otherwise(), scope, out);
    } else if (node instanceof Node.For) {
      forLoop((Node.For) node, scope, out);
    } else if (node instanceof Node.Set) {
      Node.Set set = (Node.Set) node;
      assign(set.target(), evaluator.eval(set.value(), scope), scope, set.pos());
    } else if (node instanceof Node.SetBlock) {
      Node.SetBlock set = (Node.SetBlock) node;
      Output captured = new Output();
      run(set.body(), scope, captured);
      scope.set(set.name(), captured.toString());
    } else if (node instanceof Node.Macro) {
      Node.Macro m = (Node.Macro) node;
      scope.set(m.name(), new MacroValue(m.name(), m.params(), m.body(), scope, this));
    } else if (node instanceof Node.CallBlock) {
      Node.CallBlock c = (Node.CallBlock) node;
      MacroValue caller = new MacroValue("caller", c.callerParams(), c.body(), scope, this);
      out.append(Values.str(evaluator.call(c.call(), scope, Map.of("caller", caller))), c.pos());
    } else if (node instanceof Node.FilterBlock) {
      Node.FilterBlock f = (Node.FilterBlock) node;
      Output captured = new Output();
      run(f.body(), scope, captured);
      out.append(Values.str(applyFilterChain(f.filter(), captured.toString(), scope)), f.pos());
    } else if (node instanceof Node.Break) {
      return Flow.BREAK;
    } else if (node instanceof Node.Continue) {
      return Flow.CONTINUE;
    } else {
      throw node.pos().error("unsupported statement " + node.getClass().getSimpleName());
    }
    return Flow.NORMAL;
  }

  /** A filter block's chain {@code a | b}: the innermost filter has no value expression and gets the body. */
  private Object applyFilterChain(Expr.Filter f, String body, Scope scope) {
    Object input = f.value() == null ? body : applyFilterChain((Expr.Filter) f.value(), body, scope);
    return evaluator.filter(f, input, scope);
  }

  private void forLoop(Node.For loop, Scope scope, Output out) {
    List<Object> items = Values.iterate(evaluator.eval(loop.iterable(), scope), loop.iterable().pos());
    if (loop.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        budget.step(loop.pos());
        Scope probe = new Scope(scope);
        assign(loop.target(), item, probe, loop.pos());
        if (Values.isTrue(evaluator.eval(loop.filter(), probe))) {
          kept.add(item);
        }
      }
      items = kept;
    }
    if (items.isEmpty()) {
      run(loop.otherwise(), new Scope(scope), out);
      return;
    }
    LoopContext context = new LoopContext(items);
    for (int i = 0; i < items.size(); i++) {
      budget.step(loop.pos());
      context.moveTo(i);
      Scope iteration = new Scope(scope);
      iteration.set("loop", context);
      assign(loop.target(), items.get(i), iteration, loop.pos());
      if (run(loop.body(), iteration, out) == Flow.BREAK) {
        break;
      }
    }
  }

  private void assign(Node.Target target, Object value, Scope scope, Pos at) {
    if (target instanceof Node.NameTarget) {
      scope.set(((Node.NameTarget) target).name(), value);
    } else if (target instanceof Node.TupleTarget) {
      List<String> names = ((Node.TupleTarget) target).names();
      List<Object> values = Values.iterate(value, at);
      if (values.size() != names.size()) {
        throw at.error(values.size() > names.size()
            ? "too many values to unpack (expected " + names.size() + ")"
            : "not enough values to unpack (expected " + names.size() + ", got " + values.size() + ")");
      }
      for (int i = 0; i < names.size(); i++) {
        scope.set(names.get(i), values.get(i));
      }
    } else {
      Node.AttributeTarget t = (Node.AttributeTarget) target;
      Object object = scope.lookup(t.object());
      if (!(object instanceof Namespace)) {
        throw at.error("cannot assign attribute '" + t.attribute() + "' on non-namespace object '" + t.object()
            + "' (" + Values.typeName(object) + ")");
      }
      ((Namespace) object).attributes.put(t.attribute(), value);
    }
  }
}
