package dev.scion.engine.text.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Jinja2's filters over sequences and mappings: first, join, map, select*, sort, unique, dictsort, ... */
final class CollectionFilters {
  private CollectionFilters() {}

  static Object apply(String name, Object value, Args a) {
    Pos at = a.at();
    switch (name) {
      case "first": {
        a.accept();
        List<Object> items = Values.iterate(value, at);
        return items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.get(0);
      }
      case "last": {
        a.accept();
        List<Object> items = Values.iterate(value, at);
        return items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.get(items.size() - 1);
      }
      case "list": a.accept(); return Values.iterate(value, at);
      case "items": {
        a.accept();
        if (value instanceof Undefined) {
          return new ArrayList<>();
        }
        if (!(value instanceof Map)) {
          throw at.error("can only get item pairs from a mapping, not " + Values.typeName(value));
        }
        return PythonMethods.bind(value, "items").call(List.of(), Map.of(), at);
      }
      case "reverse": {
        a.accept();
        if (value instanceof String) {
          return new StringBuilder((String) value).reverse().toString();
        }
        List<Object> items = Values.iterate(value, at);
        Collections.reverse(items);
        return items;
      }
      case "join": return join(value, a);
      // Jinja2 skips an empty or falsy input here without trying to iterate it.
      case "map": return Values.isTrue(value) ? map(value, a) : new ArrayList<>();
      case "select": case "reject":
        return Values.isTrue(value) ? select(value, a, name.equals("select"), false) : new ArrayList<>();
      case "selectattr": case "rejectattr":
        return Values.isTrue(value) ? select(value, a, name.equals("selectattr"), true) : new ArrayList<>();
      case "batch": {
        a.accept("linecount", "fill_with");
        long size = a.integer(0, "linecount", 0);
        if (size <= 0) {
          throw at.error("batch linecount must be positive");
        }
        boolean fill = a.has(1, "fill_with");
        List<Object> batches = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        for (Object item : Values.iterate(value, at)) {
          if (current.size() == size) {
            batches.add(current);
            current = new ArrayList<>();
          }
          current.add(item);
        }
        while (fill && !current.isEmpty() && current.size() < size) {
          current.add(a.get(1, "fill_with", null));
        }
        if (!current.isEmpty()) {
          batches.add(current);
        }
        return batches;
      }
      case "sort": {
        a.accept("reverse", "case_sensitive", "attribute");
        List<Object> items = Values.iterate(value, at);
        Comparator<Object> order = order(a.flag(1, "case_sensitive", false), a.string(2, "attribute", null), at);
        items.sort(a.flag(0, "reverse", false) ? order.reversed() : order);
        return items;
      }
      case "unique": {
        a.accept("case_sensitive", "attribute");
        boolean caseSensitive = a.flag(0, "case_sensitive", false);
        String attribute = a.string(1, "attribute", null);
        List<Object> seen = new ArrayList<>();
        List<Object> out = new ArrayList<>();
        for (Object item : Values.iterate(value, at)) {
          Object key = sortKey(attribute == null ? item : path(item, attribute, at), caseSensitive);
          if (!Operators.contains(seen, key, at)) {
            seen.add(key);
            out.add(item);
          }
        }
        return out;
      }
      case "dictsort": {
        a.accept("case_sensitive", "by", "reverse");
        if (!(value instanceof Map)) {
          throw at.error("dictsort needs a mapping, not " + Values.typeName(value));
        }
        boolean caseSensitive = a.flag(0, "case_sensitive", false);
        String by = a.string(1, "by", "key");
        if (!by.equals("key") && !by.equals("value")) {
          throw at.error("dictsort: 'by' must be 'key' or 'value'");
        }
        int part = by.equals("key") ? 0 : 1;
        @SuppressWarnings("unchecked")
        List<Object> pairs = (List<Object>) PythonMethods.bind(value, "items").call(List.of(), Map.of(), at);
        Comparator<Object> order = (x, y) -> Values.compare(sortKey(((List<?>) x).get(part), caseSensitive),
            sortKey(((List<?>) y).get(part), caseSensitive), at);
        pairs.sort(a.flag(2, "reverse", false) ? order.reversed() : order);
        return pairs;
      }
      case "sum": {
        a.accept("attribute", "start");
        String attribute = a.string(0, "attribute", null);
        Object total = a.get(1, "start", 0L);
        for (Object item : Values.iterate(value, at)) {
          total = Operators.binary("+", total, attribute == null ? item : path(item, attribute, at), at);
        }
        return total;
      }
      case "min": case "max": {
        a.accept("case_sensitive", "attribute");
        List<Object> items = Values.iterate(value, at);
        if (items.isEmpty()) {
          return new Undefined("No aggregated item, sequence was empty.");
        }
        Comparator<Object> order = order(a.flag(0, "case_sensitive", false), a.string(1, "attribute", null), at);
        return name.equals("min") ? Collections.min(items, order) : Collections.max(items, order);
      }
      default:
        throw at.error("no filter named '" + name + "'");
    }
  }

  private static Object join(Object value, Args a) {
    a.accept("d", "attribute");
    String separator = Values.str(a.get(0, "d", ""));
    String attribute = a.string(1, "attribute", null);
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (Object item : Values.iterate(value, a.at())) {
      if (!first) {
        out.append(separator);
      }
      first = false;
      out.append(Values.str(attribute == null ? item : path(item, attribute, a.at())));
      Budget.checkSize(out.length(), a.at());
    }
    return out.toString();
  }

  /** {@code map(attribute='a.b', default=x)} or {@code map('filter', args...)}. */
  private static Object map(Object value, Args a) {
    List<Object> out = new ArrayList<>();
    if (a.keywords().containsKey("attribute")) {
      a.accept("attribute", "default");
      String attribute = a.string(0, "attribute", null);
      Object fallback = a.get(1, "default", null);
      boolean hasDefault = a.has(1, "default");
      for (Object item : Values.iterate(value, a.at())) {
        Object v = path(item, attribute, a.at());
        out.add(hasDefault && v instanceof Undefined ? fallback : v);
      }
      return out;
    }
    if (a.positional().isEmpty() || !(a.positional().get(0) instanceof String)) {
      throw a.at().error("map needs a filter name or attribute=...");
    }
    String filter = (String) a.positional().get(0);
    Args rest = new Args(filter, a.positional().subList(1, a.positional().size()), a.keywords(), a.at());
    for (Object item : Values.iterate(value, a.at())) {
      out.add(Filters.apply(filter, item, rest));
    }
    return out;
  }

  /** select/reject(test, args...) and selectattr/rejectattr(attribute, test, args...); no test means truthiness. */
  private static Object select(Object value, Args a, boolean keep, boolean byAttribute) {
    if (!a.keywords().isEmpty()) {
      throw a.at().error(a.function() + "() does not take keyword arguments");
    }
    List<Object> args = a.positional();
    int next = 0;
    String attribute = null;
    if (byAttribute) {
      if (args.isEmpty() || !(args.get(0) instanceof String)) {
        throw a.at().error(a.function() + "() needs an attribute name");
      }
      attribute = (String) args.get(next++);
    }
    String test = null;
    if (next < args.size()) {
      if (!(args.get(next) instanceof String)) {
        throw a.at().error(a.function() + "() test name must be a string");
      }
      test = (String) args.get(next++);
    }
    List<Object> testArgs = args.subList(next, args.size());
    List<Object> out = new ArrayList<>();
    for (Object item : Values.iterate(value, a.at())) {
      Object subject = attribute == null ? item : path(item, attribute, a.at());
      boolean passed = test == null ? Values.isTrue(subject) : JinjaTests.apply(test, subject, testArgs, a.at());
      if (passed == keep) {
        out.add(item);
      }
    }
    return out;
  }

  /** Jinja2's attribute getter: {@code "a.b.0"} looks up item by item, digits as integer indexes. */
  static Object path(Object item, String attribute, Pos at) {
    Object v = item;
    for (String part : attribute.split("\\.", -1)) {
      Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
      v = v instanceof Undefined ? v : Access.item(v, key, at);
    }
    return v;
  }

  private static Object sortKey(Object v, boolean caseSensitive) {
    return !caseSensitive && v instanceof String ? ((String) v).toLowerCase(Locale.ROOT) : v;
  }

  private static Comparator<Object> order(boolean caseSensitive, String attribute, Pos at) {
    return (x, y) -> Values.compare(sortKey(attribute == null ? x : path(x, attribute, at), caseSensitive),
        sortKey(attribute == null ? y : path(y, attribute, at), caseSensitive), at);
  }
}
