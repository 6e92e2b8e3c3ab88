package dev.scion.engine.text.template;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions every template sees: Jinja2's namespace/range/dict and Hugging Face's raise_exception and
 * strftime_now.
 */
final class Globals {
  /** Jinja2's sandbox refuses larger ranges too. */
  static final int MAX_RANGE = 100_000;

  private Globals() {}

  static void install(Scope scope, Clock clock) {
    scope.set("range", (PyCallable) Globals::range);
    scope.set("namespace", (PyCallable) (args, kwargs, at) -> {
      Namespace ns = new Namespace();
      for (Map.Entry<Object, Object> e : mapping("namespace", args, kwargs, at).entrySet()) {
        ns.attributes.put(Values.str(e.getKey()), e.getValue());
      }
      return ns;
    });
    scope.set("dict", (PyCallable) (args, kwargs, at) -> mapping("dict", args, kwargs, at));
    scope.set("raise_exception", (PyCallable) (args, kwargs, at) -> {
      Object message = new Args("raise_exception", args, kwargs, at).accept("message").required(0, "message");
      throw TemplateException.raisedByTemplate(Values.str(message), at.line(), at.column());
    });
    scope.set("strftime_now", (PyCallable) (args, kwargs, at) -> {
      String format = new Args("strftime_now", args, kwargs, at).accept("format").string(0, "format", null);
      if (format == null) {
        throw at.error("strftime_now() missing required argument 'format'");
      }
      return Strftime.format(format, ZonedDateTime.now(clock), at);
    });
  }

  /** {@code dict(mapping_or_pairs, **kwargs)}, as Python builds it. */
  private static Map<Object, Object> mapping(String function, List<Object> args, Map<String, Object> kwargs, Pos at) {
    if (args.size() > 1) {
      throw at.error(function + "() takes at most 1 positional argument");
    }
    Map<Object, Object> map = new LinkedHashMap<>();
    if (!args.isEmpty()) {
      Object source = args.get(0);
      if (source instanceof Map) {
        map.putAll((Map<?, ?>) source);
      } else {
        for (Object pair : Values.iterate(source, at)) {
          if (!(pair instanceof List) || ((List<?>) pair).size() != 2) {
            throw at.error(function + "() needs a mapping or a sequence of pairs");
          }
          map.put(((List<?>) pair).get(0), ((List<?>) pair).get(1));
        }
      }
    }
    map.putAll(kwargs);
    return map;
  }

  private static Object range(List<Object> args, Map<String, Object> kwargs, Pos at) {
    if (!kwargs.isEmpty() || args.isEmpty() || args.size() > 3) {
      throw at.error("range() takes 1 to 3 integer arguments");
    }
    for (Object a : args) {
      if (!Values.isIntegral(a)) {
        throw at.error("range() arguments must be integers, not " + Values.typeName(a));
      }
    }
    long start = args.size() == 1 ? 0 : Values.asLong(args.get(0));
    long stop = Values.asLong(args.get(args.size() == 1 ? 0 : 1));
    long step = args.size() == 3 ? Values.asLong(args.get(2)) : 1;
    if (step == 0) {
      throw at.error("range() arg 3 must not be zero");
    }
    double count = Math.ceil(((double) stop - start) / step);
    if (count > MAX_RANGE) {
      throw at.error("Range too big. The sandbox blocks ranges larger than MAX_RANGE (" + MAX_RANGE + ").");
    }
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.add(i);
    }
    return out;
  }
}
