package dev.scion.engine.text.template;

import java.util.function.IntFunction;

/** A quoted string literal in a tag, decoded with Python's escape rules (unknown escapes keep their backslash). */
record StringLiteral(String value, int end) {

  static StringLiteral read(String src, int start, IntFunction<Pos> pos) {
    char quote = src.charAt(start);
    StringBuilder out = new StringBuilder();
    int i = start + 1;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == quote) {
        return new StringLiteral(out.toString(), i + 1);
      }
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= src.length()) {
        break;
      }
      char e = src.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'n': out.append('\n'); break;
        case 't': out.append('\t'); break;
        case 'r': out.append('\r'); break;
        case '\\': out.append('\\'); break;
        case '\'': out.append('\''); break;
        case '"': out.append('"'); break;
        case 'a': out.append('\u0007'); break;
        case 'b': out.append('\b'); break;
        case 'f': out.append('\f'); break;
        case 'v': out.append('\u000b'); break;
        case '\n': break;
        case 'x': i = hex(src, i, 2, out, pos); break;
        case 'u': i = hex(src, i, 4, out, pos); break;
        case 'U': i = hex(src, i, 8, out, pos); break;
        default:
          if (e >= '0' && e <= '7') {
            int end = i - 1;
            while (end < src.length() && end < i + 2 && src.charAt(end) >= '0' && src.charAt(end) <= '7') {
              end++;
            }
            out.appendCodePoint(Integer.parseInt(src.substring(i - 1, end), 8));
            i = end;
          } else {
            out.append('\\').append(e);
          }
      }
    }
    throw pos.apply(start).error("string literal is not closed");
  }

  private static int hex(String src, int at, int digits, StringBuilder out, IntFunction<Pos> pos) {
    if (at + digits > src.length()) {
      throw pos.apply(at).error("truncated \\x/\\u escape in string literal");
    }
    try {
      int cp = Integer.parseUnsignedInt(src.substring(at, at + digits), 16);
      if (!Character.isValidCodePoint(cp)) {
        throw pos.apply(at).error("escape \\U" + src.substring(at, at + digits) + " is not a valid code point");
      }
      out.appendCodePoint(cp);
    } catch (NumberFormatException e) {
      throw pos.apply(at).error("bad hex digits in escape: '" + src.substring(at, at + digits) + "'");
    }
    return at + digits;
  }
}
