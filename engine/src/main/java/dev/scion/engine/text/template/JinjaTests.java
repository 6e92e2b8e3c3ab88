package dev.scion.engine.text.template;

import java.util.List;
import java.util.Map;

/** Jinja2's tests, used by {@code x is name(args)} and by the select/reject filters. */
final class JinjaTests {
  private JinjaTests() {}

  static boolean apply(String name, Object v, List<Object> args, Pos at) {
    switch (name) {
      case "defined": return !(v instanceof Undefined);
      case "undefined": return v instanceof Undefined;
      case "none": return v == null;
      case "boolean": return v instanceof Boolean;
      case "true": return Boolean.TRUE.equals(v);
      case "false": return Boolean.FALSE.equals(v);
      case "string": return v instanceof String;
      case "number": return Values.isNumber(v);
      case "integer": return v instanceof Long;
      case "float": return v instanceof Double;
      case "mapping": return v instanceof Map;
      case "sequence": return v instanceof List || v instanceof String || v instanceof Map;
      case "iterable": return Values.isIterable(v) || v instanceof Undefined;
      case "callable": return v instanceof PyCallable;
      case "lower": return PythonMethods.StringMethods.isLower(Values.str(v));
      case "upper": return PythonMethods.StringMethods.isUpper(Values.str(v));
      case "even": return integer(name, v, at) % 2 == 0;
      case "odd": return integer(name, v, at) % 2 != 0;
      case "divisibleby": {
        long divisor = integer(name, argument(name, args, at), at);
        if (divisor == 0) {
          throw at.error("divisibleby(0): division by zero");
        }
        return integer(name, v, at) % divisor == 0;
      }
      case "eq": case "equalto": case "==": return Values.equal(v, argument(name, args, at));
      case "ne": case "!=": return !Values.equal(v, argument(name, args, at));
      case "lt": case "lessthan": case "<": return Values.compare(v, argument(name, args, at), at) < 0;
      case "le": case "<=": return Values.compare(v, argument(name, args, at), at) <= 0;
      case "gt": case "greaterthan": case ">": return Values.compare(v, argument(name, args, at), at) > 0;
      case "ge": case ">=": return Values.compare(v, argument(name, args, at), at) >= 0;
      case "in": return Operators.contains(argument(name, args, at), v, at);
      case "sameas": {
        Object other = argument(name, args, at);
        return v == other || (v instanceof Boolean && v.equals(other)) || (v == null && other == null);
      }
      default: throw at.error("no test named '" + name + "'");
    }
  }

  private static Object argument(String test, List<Object> args, Pos at) {
    if (args.size() != 1) {
      throw at.error("test '" + test + "' takes exactly one argument, " + args.size() + " given");
    }
    return args.get(0);
  }

  private static long integer(String test, Object v, Pos at) {
    if (v instanceof Undefined) {
      throw ((Undefined) v).error(at);
    }
    if (!Values.isIntegral(v)) {
      if (v instanceof Double && (Double) v == Math.rint((Double) v)) {
        return (long) (double) (Double) v;
      }
      throw at.error("test '" + test + "' needs an integer, not " + Values.typeName(v));
    }
    return Values.asLong(v);
  }
}
