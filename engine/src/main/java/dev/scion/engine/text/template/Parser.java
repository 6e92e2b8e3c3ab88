package dev.scion.engine.text.template;

import dev.scion.engine.text.template.Node.Param;
import dev.scion.engine.text.template.Node.Target;
import dev.scion.engine.text.template.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Parses the token stream into statements; expressions are delegated to {@link ExpressionParser}. */
final class Parser {
  private static final Set<String> END_TAGS = Set.of("endif", "endfor", "endset", "endmacro", "endcall",
      "endfilter", "endgeneration", "elif", "else", "endraw");

  private final TokenStream in;
  private final ExpressionParser expressions;
  private int loopDepth;
  private int blockDepth;

  private Parser(List<Token> tokens) {
    this.in = new TokenStream(tokens);
    this.expressions = new ExpressionParser(in);
  }

  static List<Node> parse(String source) {
    Parser parser = new Parser(Lexer.tokenize(source));
    return parser.body(null, Set.of());
  }

  /**
   * Statements up to (not including) a block tag named in {@code endTags}, or to the end of the template when
   * {@code opener} is null.
   */
  private List<Node> body(Token opener, Set<String> endTags) {
    List<Node> nodes = new ArrayList<>();
    while (true) {
      Token t = in.peek();
      switch (t.kind()) {
        case TEXT:
          in.next();
          nodes.add(new Node.Text(t.pos(), t.text()));
          break;
        case VARIABLE_BEGIN: {
          in.next();
          Expr expr = expressions.tuple(true, Set.of(), false);
          in.expectKind(Kind.VARIABLE_END, "'}}'");
          nodes.add(new Node.Output(t.pos(), expr));
          break;
        }
        case BLOCK_BEGIN: {
          Token keyword = in.peek(1);
          if (keyword.kind() != Kind.NAME) {
            throw keyword.pos().error("expected a statement name after '{%' but found " + keyword.describe());
          }
          if (endTags.contains(keyword.text())) {
            return nodes;
          }
          in.next();
          in.next();
          statement(keyword, nodes);
          break;
        }
        case EOF:
          if (opener != null) {
            throw opener.pos().error("'" + opener.text() + "' block is not closed: expected "
                + String.join(" or ", endTags.stream().sorted().map(s -> "'" + s + "'").toList())
                + " before the end of the template");
          }
          return nodes;
        default:
          throw in.unexpected("template text, '{{' or '{%'");
      }
    }
  }

  /** Consumes {@code {% name} of an end tag that {@link #body} stopped at, returning the tag's name token. */
  private Token endTag() {
    in.expectKind(Kind.BLOCK_BEGIN, "'{%'");
    return in.next();
  }

  private void blockEnd() {
    in.expectKind(Kind.BLOCK_END, "'%}'");
  }

  private void statement(Token keyword, List<Node> out) {
    if (++blockDepth > 100) {
      throw keyword.pos().error("blocks are nested more than 100 levels deep");
    }
    try {
      switch (keyword.text()) {
        case "if": out.add(ifStatement(keyword)); break;
        case "for": out.add(forStatement(keyword)); break;
        case "set": out.add(setStatement(keyword)); break;
        case "macro": out.add(macro(keyword)); break;
        case "call": out.add(callBlock(keyword)); break;
        case "filter": out.add(filterBlock(keyword)); break;
        case "generation":
          // Hugging Face's AssistantTracker extension: only marks assistant text; the body renders unchanged.
          blockEnd();
          out.addAll(body(keyword, Set.of("endgeneration")));
          endTag();
          blockEnd();
          break;
        case "break":
        case "continue":
          if (loopDepth == 0) {
            throw keyword.pos().error("'" + keyword.text() + "' outside of a for loop");
          }
          blockEnd();
          out.add(keyword.text().equals("break") ? new Node.Break(keyword.pos()) : new Node.Continue(keyword.pos()));
          break;
        default:
          if (END_TAGS.contains(keyword.text())) {
            throw keyword.pos().error("unexpected '" + keyword.text() + "' tag: no open block it could close");
          }
          throw keyword.pos().error("unknown tag '" + keyword.text() + "'");
      }
    } finally {
      blockDepth--;
    }
  }

  private Node ifStatement(Token keyword) {
    List<Node.Branch> branches = new ArrayList<>();
    Expr condition = expressions.tuple(false, Set.of(), false);
    blockEnd();
    Set<String> ends = Set.of("elif", "else", "endif");
    branches.add(new Node.Branch(condition, body(keyword, ends)));
    List<Node> otherwise = List.of();
    while (true) {
      Token tag = endTag();
      if (tag.text().equals("elif")) {
        Expr c = expressions.tuple(false, Set.of(), false);
        blockEnd();
        branches.add(new Node.Branch(c, body(keyword, ends)));
      } else if (tag.text().equals("else")) {
        blockEnd();
        otherwise = body(keyword, Set.of("endif"));
      } else {
        blockEnd();
        return new Node.If(keyword.pos(), branches, otherwise);
      }
    }
  }

  private Node forStatement(Token keyword) {
    Target target = assignTarget(false);
    in.expectKeyword("in");
    Expr iterable = expressions.tuple(false, Set.of("recursive"), false);
    Expr filter = in.skipName("if") ? expressions.expression() : null;
    if (in.peek().isName("recursive")) {
      throw in.peek().pos().error("recursive for loops are not supported");
    }
    blockEnd();
    loopDepth++;
    List<Node> body;
    try {
      body = body(keyword, Set.of("endfor", "else"));
    } finally {
      loopDepth--;
    }
    List<Node> otherwise = List.of();
    if (endTag().text().equals("else")) {
      blockEnd();
      otherwise = body(keyword, Set.of("endfor"));
      endTag();
    }
    blockEnd();
    return new Node.For(keyword.pos(), target, iterable, filter, body, otherwise);
  }

  /** A name, {@code a, b} / {@code (a, b)}, or (for set only) {@code ns.attr}. */
  private Target assignTarget(boolean allowAttribute) {
    boolean parenthesized = in.skipOperator("(");
    String first = in.expectName("a variable name");
    if (allowAttribute && !parenthesized && in.skipOperator(".")) {
      return new Node.AttributeTarget(first, in.expectName("an attribute name"));
    }
    if (!in.peek().isOperator(",")) {
      if (parenthesized) {
        in.expectOperator(")");
      }
      return new Node.NameTarget(first);
    }
    List<String> names = new ArrayList<>();
    names.add(first);
    while (in.skipOperator(",")) {
      if (in.peek().kind() != Kind.NAME || in.peek().isName("in")) {
        break;
      }
      names.add(in.next().text());
    }
    if (parenthesized) {
      in.expectOperator(")");
    }
    return new Node.TupleTarget(names);
  }

  private Node setStatement(Token keyword) {
    Target target = assignTarget(true);
    if (in.skipOperator("=")) {
      Expr value = expressions.tuple(true, Set.of(), false);
      blockEnd();
      return new Node.Set(keyword.pos(), target, value);
    }
    if (!(target instanceof Node.NameTarget)) {
      throw in.unexpected("'='");
    }
    blockEnd();
    List<Node> body = body(keyword, Set.of("endset"));
    endTag();
    blockEnd();
    return new Node.SetBlock(keyword.pos(), ((Node.NameTarget) target).name(), body);
  }

  private Node macro(Token keyword) {
    String name = in.expectName("a macro name");
    List<Param> params = parameters();
    blockEnd();
    List<Node> body = body(keyword, Set.of("endmacro"));
    endTag();
    blockEnd();
    return new Node.Macro(keyword.pos(), name, params, body);
  }

  private List<Param> parameters() {
    List<Param> params = new ArrayList<>();
    in.expectOperator("(");
    while (!in.peek().isOperator(")")) {
      if (!params.isEmpty()) {
        in.expectOperator(",");
      }
      String name = in.expectName("a parameter name");
      Expr defaultValue = in.skipOperator("=") ? expressions.expression() : null;
      params.add(new Param(name, defaultValue));
    }
    in.expectOperator(")");
    return params;
  }

  private Node callBlock(Token keyword) {
    List<Param> callerParams = in.peek().isOperator("(") ? parameters() : List.of();
    Expr call = expressions.expression();
    if (!(call instanceof Expr.Call)) {
      throw call.pos().error("'call' block needs a macro call such as {% call my_macro() %}");
    }
    blockEnd();
    List<Node> body = body(keyword, Set.of("endcall"));
    endTag();
    blockEnd();
    return new Node.CallBlock(keyword.pos(), callerParams, (Expr.Call) call, body);
  }

  private Node filterBlock(Token keyword) {
    Expr.Filter filter = expressions.filter(null);
    while (in.skipOperator("|")) {
      filter = expressions.filter(filter);
    }
    blockEnd();
    List<Node> body = body(keyword, Set.of("endfilter"));
    endTag();
    blockEnd();
    return new Node.FilterBlock(keyword.pos(), filter, body);
  }
}
