package dev.scion.engine.text.template;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods a template may call on values, and nothing else: a whitelist in the spirit of Jinja2's
 * sandbox. Anything not listed here is an undefined attribute.
 */
final class PythonMethods {
  private static final Set<String> STRING = Set.of("startswith", "endswith", "split", "rsplit", "strip", "lstrip",
      "rstrip", "lower", "upper", "title", "capitalize", "replace", "find", "rfind", "count", "join", "splitlines",
      "isdigit", "isspace", "isalpha", "isalnum", "islower", "isupper");
  private static final Set<String> LIST = Set.of("append", "index", "count");
  private static final Set<String> DICT = Set.of("items", "keys", "values", "get");

  private PythonMethods() {}

  static boolean has(Object self, String name) {
    return self instanceof String ? STRING.contains(name)
        : self instanceof List ? LIST.contains(name) && !(self instanceof PyTuple && name.equals("append"))
        : self instanceof Map && DICT.contains(name);
  }

  static PyCallable bind(Object self, String name) {
    return (args, kwargs, at) -> call(self, name, new Args(name, args, kwargs, at));
  }

  private static Object call(Object self, String name, Args a) {
    if (self instanceof String) {
      return StringMethods.call((String) self, name, a);
    }
    if (self instanceof List) {
      return listMethod(self, name, a);
    }
    return dictMethod((Map<?, ?>) self, name, a);
  }

  private static Object listMethod(Object self, String name, Args a) {
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) self;
    switch (name) {
      case "append":
        a.accept("object");
        Budget.checkSize(list.size() + 1L, a.at());
        list.add(a.required(0, "object"));
        return null;
      case "index": {
        a.accept("value");
        Object value = a.required(0, "value");
        for (int i = 0; i < list.size(); i++) {
          if (Values.equal(list.get(i), value)) {
            return (long) i;
          }
        }
        throw a.at().error(Values.repr(value) + " is not in list");
      }
      default: {
        a.accept("value");
        Object value = a.required(0, "value");
        return list.stream().filter(x -> Values.equal(x, value)).count();
      }
    }
  }

  private static Object dictMethod(Map<?, ?> map, String name, Args a) {
    switch (name) {
      case "items": {
        a.accept();
        List<Object> items = new ArrayList<>();
        map.forEach((k, v) -> items.add(new PyTuple(Arrays.asList(k, v))));
        return items;
      }
      case "keys":
        a.accept();
        return new ArrayList<Object>(map.keySet());
      case "values":
        a.accept();
        return new ArrayList<Object>(map.values());
      default: {
        a.accept("key", "default");
        Object key = a.required(0, "key");
        return map.containsKey(key) ? map.get(key) : a.get(1, "default", null);
      }
    }
  }

  /** Python's str methods. */
  static final class StringMethods {
    private StringMethods() {}

    static Object call(String s, String name, Args a) {
      switch (name) {
        case "startswith": case "endswith": {
          a.accept("prefix");
          Object affix = a.required(0, "prefix");
          List<?> options = affix instanceof PyTuple ? (List<?>) affix : List.of(affix);
          for (Object o : options) {
            if (!(o instanceof String)) {
              throw a.at().error(name + " first arg must be str or a tuple of str, not " + Values.typeName(o));
            }
            if (name.equals("startswith") ? s.startsWith((String) o) : s.endsWith((String) o)) {
              return true;
            }
          }
          return false;
        }
        case "split": case "rsplit": {
          a.accept("sep", "maxsplit");
          return split(s, a.string(0, "sep", null), a.integer(1, "maxsplit", -1), name.equals("rsplit"), a.at());
        }
        case "strip": case "lstrip": case "rstrip": {
          a.accept("chars");
          String chars = a.string(0, "chars", null);
          return strip(s, chars, !name.equals("rstrip"), !name.equals("lstrip"));
        }
        case "lower": a.accept(); return s.toLowerCase(Locale.ROOT);
        case "upper": a.accept(); return s.toUpperCase(Locale.ROOT);
        case "title": a.accept(); return title(s);
        case "capitalize": a.accept(); return capitalize(s);
        case "replace": {
          a.accept("old", "new", "count");
          return replace(s, a.string(0, "old", null), a.string(1, "new", null), a.integer(2, "count", -1), a);
        }
        case "find": case "rfind": case "count": {
          a.accept("sub");
          String sub = a.string(0, "sub", null);
          if (sub == null) {
            throw a.at().error(name + "() missing required argument 'sub'");
          }
          if (name.equals("count")) {
            return count(s, sub);
          }
          int i = name.equals("find") ? s.indexOf(sub) : s.lastIndexOf(sub);
          return i < 0 ? -1L : (long) s.codePointCount(0, i);
        }
        case "join": {
          a.accept("iterable");
          List<Object> items = Values.iterate(a.required(0, "iterable"), a.at());
          StringBuilder out = new StringBuilder();
          for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String)) {
              throw a.at().error("sequence item " + i + ": expected str instance, " + Values.typeName(items.get(i))
                  + " found");
            }
            if (i > 0) {
              out.append(s);
            }
            out.append((String) items.get(i));
            Budget.checkSize(out.length(), a.at());
          }
          return out.toString();
        }
        case "splitlines": a.accept(); return splitlines(s);
        default:
          a.accept();
          return predicate(s, name);
      }
    }

    private static boolean predicate(String s, String name) {
      if (s.isEmpty()) {
        return false;
      }
      switch (name) {
        case "isdigit": return s.codePoints().allMatch(Character::isDigit);
        case "isspace": return s.codePoints().allMatch(StringMethods::isSpace);
        case "isalpha": return s.codePoints().allMatch(Character::isLetter);
        case "isalnum": return s.codePoints().allMatch(Character::isLetterOrDigit);
        case "islower": return isLower(s);
        default: return isUpper(s);
      }
    }

    /** Python's str.islower: some cased character and no uppercase one. */
    static boolean isLower(String s) {
      return s.codePoints().anyMatch(Character::isLowerCase)
          && s.codePoints().noneMatch(cp -> Character.isUpperCase(cp) || Character.isTitleCase(cp));
    }

    static boolean isUpper(String s) {
      return s.codePoints().anyMatch(Character::isUpperCase)
          && s.codePoints().noneMatch(cp -> Character.isLowerCase(cp) || Character.isTitleCase(cp));
    }

    /** Python's str.isspace for one code point (includes no-break spaces, unlike Character.isWhitespace). */
    static boolean isSpace(int cp) {
      return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    static String strip(String s, String chars, boolean left, boolean right) {
      int start = 0;
      int end = s.length();
      while (left && start < end && stripped(s.charAt(start), chars)) {
        start++;
      }
      while (right && end > start && stripped(s.charAt(end - 1), chars)) {
        end--;
      }
      return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
      return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    static List<Object> split(String s, String sep, long maxsplit, boolean fromRight, Pos at) {
      if (sep != null && sep.isEmpty()) {
        throw at.error("empty separator");
      }
      List<Object> parts = new ArrayList<>();
      long limit = maxsplit < 0 ? Long.MAX_VALUE : maxsplit;
      if (sep == null) {
        String rest = strip(s, null, !fromRight, fromRight);
        while (!rest.isEmpty()) {
          if (parts.size() >= limit) {
            parts.add(fromRight ? strip(rest, null, false, true) : strip(rest, null, true, false));
            break;
          }
          int cut = fromRight ? lastSpace(rest) : firstSpace(rest);
          if (cut < 0) {
            parts.add(rest);
            break;
          }
          parts.add(fromRight ? rest.substring(cut + 1) : rest.substring(0, cut));
          rest = fromRight ? strip(rest.substring(0, cut), null, false, true)
              : strip(rest.substring(cut), null, true, false);
        }
      } else {
        String rest = s;
        while (parts.size() < limit) {
          int cut = fromRight ? rest.lastIndexOf(sep) : rest.indexOf(sep);
          if (cut < 0) {
            break;
          }
          parts.add(fromRight ? rest.substring(cut + sep.length()) : rest.substring(0, cut));
          rest = fromRight ? rest.substring(0, cut) : rest.substring(cut + sep.length());
        }
        parts.add(rest);
      }
      if (fromRight) {
        Collections.reverse(parts);
      }
      return parts;
    }

    private static int firstSpace(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (isSpace(s.charAt(i))) {
          return i;
        }
      }
      return -1;
    }

    private static int lastSpace(String s) {
      for (int i = s.length() - 1; i >= 0; i--) {
        if (isSpace(s.charAt(i))) {
          return i;
        }
      }
      return -1;
    }

    private static String replace(String s, String old, String replacement, long count, Args a) {
      if (old == null || replacement == null) {
        throw a.at().error("replace() needs the old and the new string");
      }
      StringBuilder out = new StringBuilder();
      int from = 0;
      long done = 0;
      while (count < 0 || done < count) {
        int i = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
        if (i < 0) {
          break;
        }
        out.append(s, from, i).append(replacement);
        Budget.checkSize(out.length(), a.at());
        done++;
        if (old.isEmpty()) {
          if (i < s.length()) {
            out.append(s.charAt(i));
          }
          from = i + 1;
        } else {
          from = i + old.length();
        }
      }
      if (from <= s.length()) {
        out.append(s, from, s.length());
      }
      return out.toString();
    }

    private static long count(String s, String sub) {
      if (sub.isEmpty()) {
        return s.codePointCount(0, s.length()) + 1L;
      }
      long n = 0;
      for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
        n++;
      }
      return n;
    }

    static String title(String s) {
      StringBuilder out = new StringBuilder(s.length());
      boolean previousCased = false;
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        i += Character.charCount(cp);
        boolean cased = Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
        out.appendCodePoint(cased ? (previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp)) : cp);
        previousCased = cased;
      }
      return out.toString();
    }

    static String capitalize(String s) {
      if (s.isEmpty()) {
        return s;
      }
      int first = s.codePointAt(0);
      int n = Character.charCount(first);
      return new String(Character.toChars(Character.toTitleCase(first)))
          + s.substring(n).toLowerCase(Locale.ROOT);
    }

    static List<Object> splitlines(String s) {
      List<Object> lines = new ArrayList<>();
      int start = 0;
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) || c == 0x85
            || c == 0x2028 || c == 0x2029) {
          lines.add(s.substring(start, i));
          i += c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
          start = i;
        } else {
          i++;
        }
      }
      if (start < s.length()) {
        lines.add(s.substring(start));
      }
      return lines;
    }
  }
}
