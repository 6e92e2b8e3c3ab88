package dev.scion.engine.text.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Python's binary and unary operators on runtime values, with int/float rules and size caps. */
final class Operators {
  private Operators() {}

  static Object binary(String op, Object a, Object b, Pos at) {
    if (op.equals("~")) {
      String s = Values.str(a) + Values.str(b);
      Budget.checkSize(s.length(), at);
      return s;
    }
    failIfUndefined(a, at);
    failIfUndefined(b, at);
    switch (op) {
      case "+": return add(a, b, at);
      case "-": return arithmetic(op, a, b, at);
      case "*": return multiply(a, b, at);
      case "/":
        if (!Values.isNumber(a) || !Values.isNumber(b)) {
          throw unsupported(op, a, b, at);
        }
        if (Values.asDouble(b) == 0) {
          throw at.error("division by zero");
        }
        return Values.asDouble(a) / Values.asDouble(b);
      case "//": case "%": case "**": return arithmetic(op, a, b, at);
      default: throw at.error("unknown operator '" + op + "'");
    }
  }

  private static void failIfUndefined(Object v, Pos at) {
    if (v instanceof Undefined) {
      throw ((Undefined) v).error(at);
    }
  }

  private static TemplateException unsupported(String op, Object a, Object b, Pos at) {
    if (op.equals("+") && a instanceof String) {
      return at.error("can only concatenate str (not \"" + Values.typeName(b) + "\") to str");
    }
    return at.error("unsupported operand type(s) for " + op + ": '" + Values.typeName(a) + "' and '"
        + Values.typeName(b) + "'");
  }

  private static Object add(Object a, Object b, Pos at) {
    if (a instanceof String && b instanceof String) {
      Budget.checkSize((long) ((String) a).length() + ((String) b).length(), at);
      return (String) a + b;
    }
    if (a instanceof List && b instanceof List && (a instanceof PyTuple) == (b instanceof PyTuple)) {
      Budget.checkSize((long) ((List<?>) a).size() + ((List<?>) b).size(), at);
      List<Object> joined = new ArrayList<>((List<?>) a);
      joined.addAll((List<?>) b);
      return a instanceof PyTuple ? new PyTuple(joined) : joined;
    }
    return arithmetic("+", a, b, at);
  }

  private static Object multiply(Object a, Object b, Pos at) {
    if ((a instanceof String || a instanceof List) && Values.isIntegral(b)) {
      return repeat(a, Values.asLong(b), at);
    }
    if (Values.isIntegral(a) && (b instanceof String || b instanceof List)) {
      return repeat(b, Values.asLong(a), at);
    }
    return arithmetic("*", a, b, at);
  }

  private static Object repeat(Object seq, long times, Pos at) {
    long n = Math.max(0, times);
    if (seq instanceof String) {
      String s = (String) seq;
      Budget.checkSize(s.length() * n, at);
      return s.repeat((int) n);
    }
    List<?> list = (List<?>) seq;
    Budget.checkSize(list.size() * n, at);
    List<Object> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.addAll(list);
    }
    return seq instanceof PyTuple ? new PyTuple(out) : out;
  }

  private static Object arithmetic(String op, Object a, Object b, Pos at) {
    if (!Values.isNumber(a) || !Values.isNumber(b)) {
      throw unsupported(op, a, b, at);
    }
    if (Values.isIntegral(a) && Values.isIntegral(b)) {
      return integerArithmetic(op, Values.asLong(a), Values.asLong(b), at);
    }
    double x = Values.asDouble(a);
    double y = Values.asDouble(b);
    switch (op) {
      case "+": return x + y;
      case "-": return x - y;
      case "*": return x * y;
      case "**": return Math.pow(x, y);
      default:
        if (y == 0) {
          throw at.error(op.equals("%") ? "float modulo" : "float divmod()");
        }
        if (op.equals("//")) {
          return Math.floor(x / y);
        }
        double r = x % y;
        return r != 0 && (r < 0) != (y < 0) ? r + y : r;
    }
  }

  private static Object integerArithmetic(String op, long x, long y, Pos at) {
    try {
      switch (op) {
        case "+": return Math.addExact(x, y);
        case "-": return Math.subtractExact(x, y);
        case "*": return Math.multiplyExact(x, y);
        case "//":
          if (y == 0) {
            throw at.error("integer division or modulo by zero");
          }
          return Math.floorDiv(x, y);
        case "%":
          if (y == 0) {
            throw at.error("integer division or modulo by zero");
          }
          return Math.floorMod(x, y);
        default:
          if (y < 0) {
            return Math.pow(x, y);
          }
          long result = 1;
          for (long i = 0; i < y && result != 0; i++) {
            result = Math.multiplyExact(result, x);
            if (Math.abs(x) <= 1 && i > 2) {
              return x == 0 ? 0L : (x == 1 ? 1L : (y % 2 == 0 ? 1L : -1L));
            }
          }
          return result;
      }
    } catch (ArithmeticException e) {
      throw at.error("integer overflow in " + x + " " + op + " " + y + " (results are limited to 64 bits)");
    }
  }

  static Object negate(Object v, Pos at) {
    failIfUndefined(v, at);
    if (v instanceof Double) {
      return -(Double) v;
    }
    if (Values.isIntegral(v)) {
      long x = Values.asLong(v);
      if (x == Long.MIN_VALUE) {
        throw at.error("integer overflow in -" + x);
      }
      return -x;
    }
    throw at.error("bad operand type for unary -: '" + Values.typeName(v) + "'");
  }

  static Object plus(Object v, Pos at) {
    failIfUndefined(v, at);
    if (!Values.isNumber(v)) {
      throw at.error("bad operand type for unary +: '" + Values.typeName(v) + "'");
    }
    return v instanceof Boolean ? Values.asLong(v) : v;
  }

  /** Python's {@code item in container}. */
  static boolean contains(Object container, Object item, Pos at) {
    if (container instanceof String) {
      if (!(item instanceof String)) {
        throw at.error("'in <string>' requires string as left operand, not " + Values.typeName(item));
      }
      return ((String) container).contains((String) item);
    }
    if (container instanceof List) {
      for (Object x : (List<?>) container) {
        if (Values.equal(x, item)) {
          return true;
        }
      }
      return false;
    }
    if (container instanceof Map) {
      for (Object key : ((Map<?, ?>) container).keySet()) {
        if (Values.equal(key, item)) {
          return true;
        }
      }
      return false;
    }
    if (container instanceof Undefined) {
      return false;
    }
    throw at.error("argument of type '" + Values.typeName(container) + "' is not iterable");
  }
}
