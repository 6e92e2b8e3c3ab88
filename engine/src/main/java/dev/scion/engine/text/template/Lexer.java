package dev.scion.engine.text.template;

import dev.scion.engine.text.template.Token.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits template source into tokens the way Jinja2 does with {@code trim_blocks=True, lstrip_blocks=True,
 * keep_trailing_newline=False}: whitespace control ({@code {%-}, {@code -%}}, ...), comment removal and
 * {@code {% raw %}} are settled here, so the parser only sees text, tag delimiters and expression tokens.
 */
final class Lexer {
  static final int MAX_SOURCE_CHARS = 1 << 20;
  private static final Pattern RAW_BEGIN = Pattern.compile("\\s*raw\\s*([-+]?)%\\}");
  private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%\\}");
  private static final String[] OPERATORS = {
    "//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "(", ")", "[", "]", "{", "}", ".", ",", ":",
    "|", "=", "<", ">"
  };

  private final String src;
  private final int[] lineStarts;
  private final List<Token> tokens = new ArrayList<>();
  private int pos;
  /** The previous tag ended with '-': strip all whitespace at the start of the next text. */
  private boolean stripNextWhitespace;
  /** The previous block or comment tag ended plainly: trim_blocks drops one newline after it. */
  private boolean trimNextNewline;

  private Lexer(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    // keep_trailing_newline=False: Jinja2 drops exactly one newline at the very end of the source.
    this.src = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    int[] starts = new int[16];
    int n = 0;
    starts[n++] = 0;
    for (int i = 0; i < src.length(); i++) {
      if (src.charAt(i) == '\n') {
        if (n == starts.length) {
          starts = Arrays.copyOf(starts, n * 2);
        }
        starts[n++] = i + 1;
      }
    }
    this.lineStarts = Arrays.copyOf(starts, n);
  }

  static List<Token> tokenize(String source) {
    if (source.length() > MAX_SOURCE_CHARS) {
      throw new TemplateException("template source is " + source.length() + " characters, more than the limit of "
          + MAX_SOURCE_CHARS, 0, 0);
    }
    Lexer lexer = new Lexer(source);
    lexer.run();
    return lexer.tokens;
  }

  private Pos pos(int offset) {
    int idx = Arrays.binarySearch(lineStarts, offset);
    int line = idx >= 0 ? idx : -idx - 2;
    return new Pos(line + 1, offset - lineStarts[line] + 1);
  }

  private void run() {
    while (true) {
      int tag = nextTagStart(pos);
      int textStart = pos;
      int textEnd = tag < 0 ? src.length() : tag;
      if (stripNextWhitespace) {
        while (textStart < textEnd && Character.isWhitespace(src.charAt(textStart))) {
          textStart++;
        }
      } else if (trimNextNewline && textStart < textEnd && src.charAt(textStart) == '\n') {
        textStart++;
      }
      stripNextWhitespace = false;
      trimNextNewline = false;
      if (tag < 0) {
        emitText(textStart, textEnd);
        tokens.add(new Token(Kind.EOF, "", pos(src.length())));
        return;
      }
      char kind = src.charAt(tag + 1);
      char modifier = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
      if (modifier == '-') {
        textEnd = stripTrailingWhitespace(textStart, textEnd);
      } else if (modifier != '+' && kind != '{') {
        textEnd = lstripBlock(textStart, textEnd);
      }
      emitText(textStart, textEnd);
      int afterOpen = tag + 2 + (modifier == '-' || modifier == '+' ? 1 : 0);
      if (kind == '#') {
        comment(tag, afterOpen);
      } else if (kind == '%' && !raw(tag, afterOpen)) {
        tag(tag, afterOpen, Kind.BLOCK_BEGIN, Kind.BLOCK_END, '%');
      } else if (kind == '{') {
        tag(tag, afterOpen, Kind.VARIABLE_BEGIN, Kind.VARIABLE_END, '}');
      }
    }
  }

  private int nextTagStart(int from) {
    for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
    }
    return -1;
  }

  private void emitText(int start, int end) {
    if (end > start) {
      tokens.add(new Token(Kind.TEXT, src.substring(start, end), pos(start)));
    }
  }

  private int stripTrailingWhitespace(int start, int end) {
    while (end > start && Character.isWhitespace(src.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /** lstrip_blocks: drop spaces and tabs between the start of a line and a block or comment tag. */
  private int lstripBlock(int start, int end) {
    int i = end;
    while (i > start && (src.charAt(i - 1) == ' ' || src.charAt(i - 1) == '\t')) {
      i--;
    }
    boolean atLineStart = i == 0 || src.charAt(i - 1) == '\n';
    return atLineStart ? i : end;
  }

  /** After a closing delimiter: '-' strips following whitespace, '+' keeps it, plain trims one newline if asked. */
  private void afterClose(char modifier, boolean trimBlocks) {
    if (modifier == '-') {
      stripNextWhitespace = true;
    } else if (modifier != '+' && trimBlocks) {
      trimNextNewline = true;
    }
  }

  private void comment(int open, int afterOpen) {
    int close = src.indexOf("#}", afterOpen);
    if (close < 0) {
      throw pos(open).error("comment is not closed: missing '#}'");
    }
    afterClose(close > afterOpen ? src.charAt(close - 1) : 0, true);
    pos = close + 2;
  }

  private boolean raw(int open, int afterOpen) {
    Matcher begin = RAW_BEGIN.matcher(src).region(afterOpen, src.length());
    if (!begin.lookingAt()) {
      return false;
    }
    Matcher end = RAW_END.matcher(src);
    if (!end.find(begin.end())) {
      throw pos(open).error("'raw' block is not closed: missing '{% endraw %}'");
    }
    int bodyStart = begin.end();
    int bodyEnd = end.start();
    if (begin.group(1).equals("-")) {
      while (bodyStart < bodyEnd && Character.isWhitespace(src.charAt(bodyStart))) {
        bodyStart++;
      }
    }
    if (end.group(1).equals("-")) {
      bodyEnd = stripTrailingWhitespace(bodyStart, bodyEnd);
    } else if (end.group(1).isEmpty()) {
      bodyEnd = lstripBlock(bodyStart, bodyEnd);
    }
    emitText(bodyStart, bodyEnd);
    afterClose(end.group(2).isEmpty() ? 0 : end.group(2).charAt(0), true);
    pos = end.end();
    return true;
  }

  private void tag(int open, int afterOpen, Kind beginKind, Kind endKind, char closeChar) {
    tokens.add(new Token(beginKind, src.substring(open, afterOpen), pos(open)));
    String close = closeChar + "}";
    pos = afterOpen;
    Deque<Integer> openBrackets = new ArrayDeque<>(); // offsets of unclosed ( [ {
    while (true) {
      while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
        pos++;
      }
      if (pos >= src.length()) {
        if (!openBrackets.isEmpty()) {
          int bracket = openBrackets.peek();
          throw pos(bracket).error("'" + src.charAt(bracket) + "' is never closed");
        }
        throw pos(open).error("tag is not closed: missing '" + close + "'");
      }
      if (openBrackets.isEmpty()) {
        char c = src.charAt(pos);
        boolean signed = (c == '-' || c == '+') && src.startsWith(close, pos + 1);
        if (signed || src.startsWith(close, pos)) {
          int closeStart = pos;
          pos += close.length() + (signed ? 1 : 0);
          tokens.add(new Token(endKind, src.substring(closeStart, pos), pos(closeStart)));
          afterClose(signed ? c : 0, endKind == Kind.BLOCK_END);
          return;
        }
      }
      int tokenStart = pos;
      expressionToken();
      char c = src.charAt(tokenStart);
      if (c == '(' || c == '[' || c == '{') {
        openBrackets.push(tokenStart);
      } else if (c == ')' || c == ']' || c == '}') {
        char expected = openBrackets.isEmpty() ? 0 : closing(src.charAt(openBrackets.peek()));
        if (c != expected) {
          throw pos(tokenStart).error("unexpected '" + c + "'" + (expected == 0 ? "" : ", expected '" + expected + "'"));
        }
        openBrackets.pop();
      }
    }
  }

  private static char closing(char open) {
    return open == '(' ? ')' : open == '[' ? ']' : '}';
  }

  /** Lexes one token inside a tag. */
  private void expressionToken() {
    int start = pos;
    char c = src.charAt(pos);
    if (Character.isLetter(c) || c == '_') {
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
        pos++;
      }
      tokens.add(new Token(Kind.NAME, src.substring(start, pos), pos(start)));
      return;
    }
    if (c >= '0' && c <= '9') {
      number(start);
      return;
    }
    if (c == '\'' || c == '"') {
      StringLiteral literal = StringLiteral.read(src, start, this::pos);
      tokens.add(new Token(Kind.STRING, literal.value(), pos(start)));
      pos = literal.end();
      return;
    }
    for (String op : OPERATORS) {
      if (src.startsWith(op, pos)) {
        pos += op.length();
        tokens.add(new Token(Kind.OPERATOR, op, pos(start)));
        return;
      }
    }
    throw pos(start).error("unexpected character '" + c + "'");
  }

  private void number(int start) {
    digits();
    boolean isFloat = false;
    if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
      isFloat = true;
      pos++;
      digits();
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int mark = pos;
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        isFloat = true;
        digits();
      } else {
        pos = mark;
      }
    }
    String text = src.substring(start, pos).replace("_", "");
    tokens.add(new Token(isFloat ? Kind.FLOAT : Kind.INTEGER, text, pos(start)));
  }

  private void digits() {
    while (pos < src.length() && (Character.isDigit(src.charAt(pos))
        || (src.charAt(pos) == '_' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))))) {
      pos++;
    }
  }
}
