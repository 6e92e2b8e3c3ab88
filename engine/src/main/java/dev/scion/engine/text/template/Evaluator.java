package dev.scion.engine.text.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluates expressions to runtime values (see {@link Values}); every node evaluated costs one budget step. */
final class Evaluator {
  private final Budget budget;

  Evaluator(Budget budget) {
    this.budget = budget;
  }

  Object eval(Expr e, Scope scope) {
    budget.step(e.pos());
    if (e instanceof Expr.Literal) {
      return ((Expr.Literal) e).value();
    }
    if (e instanceof Expr.Name) {
      return scope.lookup(((Expr.Name) e).name());
    }
    if (e instanceof Expr.Attribute) {
      Expr.Attribute a = (Expr.Attribute) e;
      Object object = eval(a.object(), scope);
      Object value = Access.attribute(object, a.name(), a.pos());
      if (value instanceof PyCallable && !(object instanceof Namespace)) {
        budget.charge(object, a.pos()); // a bound method will walk its receiver
      }
      return value;
    }
    if (e instanceof Expr.Item) {
      Expr.Item item = (Expr.Item) e;
      return Access.item(eval(item.object(), scope), eval(item.index(), scope), item.pos());
    }
    if (e instanceof Expr.Slice) {
      Expr.Slice s = (Expr.Slice) e;
      return new Access.SliceValue(optional(s.start(), scope), optional(s.stop(), scope), optional(s.step(), scope));
    }
    if (e instanceof Expr.Binary) {
      return binary((Expr.Binary) e, scope);
    }
    if (e instanceof Expr.Compare) {
      return compare((Expr.Compare) e, scope);
    }
    if (e instanceof Expr.Unary) {
      Expr.Unary u = (Expr.Unary) e;
      Object v = eval(u.operand(), scope);
      return u.op().equals("not") ? !Values.isTrue(v)
          : u.op().equals("-") ? Operators.negate(v, u.pos()) : Operators.plus(v, u.pos());
    }
    if (e instanceof Expr.Filter) {
      Expr.Filter f = (Expr.Filter) e;
      return filter(f, eval(f.value(), scope), scope);
    }
    if (e instanceof Expr.Test) {
      Expr.Test t = (Expr.Test) e;
      Object v = eval(t.value(), scope);
      boolean result = JinjaTests.apply(t.name(), v, evalAll(t.args(), scope), t.pos());
      return result != t.negated();
    }
    if (e instanceof Expr.Call) {
      return call((Expr.Call) e, scope, Map.of());
    }
    if (e instanceof Expr.Conditional) {
      Expr.Conditional c = (Expr.Conditional) e;
      if (Values.isTrue(eval(c.condition(), scope))) {
        return eval(c.then(), scope);
      }
      return c.otherwise() == null
          ? new Undefined("the inline if-expression evaluated to false and no else section was defined")
          : eval(c.otherwise(), scope);
    }
    if (e instanceof Expr.ListExpr) {
      return evalAll(((Expr.ListExpr) e).items(), scope);
    }
    if (e instanceof Expr.TupleExpr) {
      return new PyTuple(evalAll(((Expr.TupleExpr) e).items(), scope));
    }
    if (e instanceof Expr.DictExpr) {
      Expr.DictExpr d = (Expr.DictExpr) e;
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < d.keys().size(); i++) {
        Object key = eval(d.keys().get(i), scope);
        if (key instanceof List || key instanceof Map || key instanceof Undefined) {
          throw d.keys().get(i).pos().error("unhashable type: '" + Values.typeName(key) + "'");
        }
        map.put(key, eval(d.values().get(i), scope));
      }
      return map;
    }
    throw e.pos().error("unsupported expression " + e.getClass().getSimpleName());
  }

  private Object optional(Expr e, Scope scope) {
    return e == null ? null : eval(e, scope);
  }

  List<Object> evalAll(List<Expr> exprs, Scope scope) {
    List<Object> values = new ArrayList<>(exprs.size());
    for (Expr x : exprs) {
      values.add(eval(x, scope));
    }
    return values;
  }

  private Map<String, Object> evalKeywords(List<Expr.Keyword> kwargs, Scope scope) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Expr.Keyword k : kwargs) {
      if (values.containsKey(k.name())) {
        throw k.value().pos().error("keyword argument repeated: " + k.name());
      }
      values.put(k.name(), eval(k.value(), scope));
    }
    return values;
  }

  /** Applies a filter to an already evaluated value (also used by filter blocks, whose value is the body). */
  Object filter(Expr.Filter f, Object value, Scope scope) {
    Args args = new Args(f.name(), evalAll(f.args(), scope), evalKeywords(f.kwargs(), scope), f.pos());
    budget.charge(value, f.pos());
    Object result = Filters.apply(f.name(), value, args);
    budget.charge(result, f.pos());
    return result;
  }

  Object call(Expr.Call c, Scope scope, Map<String, Object> extraKeywords) {
    Object callee = eval(c.callee(), scope);
    List<Object> args = evalAll(c.args(), scope);
    Map<String, Object> kwargs = evalKeywords(c.kwargs(), scope);
    kwargs.putAll(extraKeywords);
    if (callee instanceof PyCallable) {
      for (Object arg : args) {
        budget.charge(arg, c.pos());
      }
      Object result = ((PyCallable) callee).call(args, kwargs, c.pos());
      budget.charge(result, c.pos());
      return result;
    }
    if (callee instanceof Undefined) {
      throw ((Undefined) callee).error(c.pos());
    }
    throw c.pos().error("'" + Values.typeName(callee) + "' object is not callable");
  }

  private Object binary(Expr.Binary b, Scope scope) {
    Object left = eval(b.left(), scope);
    if (b.op().equals("and")) {
      return Values.isTrue(left) ? eval(b.right(), scope) : left;
    }
    if (b.op().equals("or")) {
      return Values.isTrue(left) ? left : eval(b.right(), scope);
    }
    Object result = Operators.binary(b.op(), left, eval(b.right(), scope), b.pos());
    budget.charge(result, b.pos());
    return result;
  }

  private Object compare(Expr.Compare c, Scope scope) {
    Object left = eval(c.first(), scope);
    for (int i = 0; i < c.ops().size(); i++) {
      Object right = eval(c.rest().get(i), scope);
      budget.charge(left, c.pos());
      budget.charge(right, c.pos());
      if (!compareOnce(c.ops().get(i), left, right, c.pos())) {
        return false;
      }
      left = right;
    }
    return true;
  }

  private static boolean compareOnce(String op, Object left, Object right, Pos at) {
    switch (op) {
      case "==": return Values.equal(left, right);
      case "!=": return !Values.equal(left, right);
      case "<": return Values.compare(left, right, at) < 0;
      case "<=": return Values.compare(left, right, at) <= 0;
      case ">": return Values.compare(left, right, at) > 0;
      case ">=": return Values.compare(left, right, at) >= 0;
      case "in": return Operators.contains(right, left, at);
      default: return !Operators.contains(right, left, at);
    }
  }
}
