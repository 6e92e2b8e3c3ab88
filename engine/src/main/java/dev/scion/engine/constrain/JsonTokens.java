package dev.scion.engine.constrain;

import static dev.scion.engine.constrain.Expr.alt;
import static dev.scion.engine.constrain.Expr.literal;
import static dev.scion.engine.constrain.Expr.optional;
import static dev.scion.engine.constrain.Expr.range;
import static dev.scion.engine.constrain.Expr.repeat;
import static dev.scion.engine.constrain.Expr.seq;
import static dev.scion.engine.constrain.Expr.star;

/**
 * The lexical pieces of JSON as byte languages. Two bounds keep a sampler from running on forever
 * inside one piece while staying valid: whitespace between tokens is at most
 * {@link #MAX_WHITESPACE} bytes per gap (room for pretty-printing to a few levels), and numbers have at
 * most {@link #MAX_DIGITS} digits before and after the point and three in the exponent (what a
 * double holds). Strings are unbounded (max_tokens ends them) but always valid UTF-8: raw
 * characters from U+0020 on except {@code "} and {@code \}, and the JSON escapes, where
 * a {@code u} escape never writes a surrogate (a character beyond the BMP is written as its UTF-8 bytes).
 */
final class JsonTokens {
    static final int MAX_WHITESPACE = 20;
    static final int MAX_DIGITS = 16;

    private JsonTokens() {}

    /**
     * Optional whitespace: a call of one shared rule of 1 to {@link #MAX_WHITESPACE} whitespace bytes. A call
     * rather than inline bytes because the gaps are everywhere (four per object member): inline, each gap
     * would cost the caller's automaton twenty states, three quarters of a typical schema's states.
     */
    static Expr whitespace(GrammarBuilder grammar) {
        int rule = grammar.sharedLeaf("whitespace", () -> repeat(alt(literal(" "), literal("\n"), literal("\r"),
                literal("\t")), 1, MAX_WHITESPACE));
        return optional(new Expr.Call(rule));
    }

    /**
     * A string: a call of one shared rule, so every string of a grammar is in the same automaton states
     * and the token masks inside strings (the expensive ones: nearly every token fits) are computed once
     * for all of them ({@link TokenMasks}).
     */
    static Expr string(GrammarBuilder grammar) {
        return new Expr.Call(grammar.sharedLeaf("string", () -> seq(literal("\""), star(stringCharacter()),
                literal("\""))));
    }

    static Expr stringCharacter() {
        return alt(Utf8.anyCharacterFrom(0x20, '"', '\\'), seq(literal("\\"), escape()));
    }

    private static Expr escape() {
        Expr hex = alt(range('0', '9'), range('a', 'f'), range('A', 'F'));
        Expr notSurrogate = alt(
                seq(alt(range('0', '9'), range('a', 'c'), range('A', 'C')), hex, hex, hex),
                seq(alt(literal("d"), literal("D")), range('0', '7'), hex, hex),
                seq(alt(range('e', 'f'), range('E', 'F')), hex, hex, hex));
        return alt(alt(literal("\""), literal("\\"), literal("/"), literal("b"), literal("f"), literal("n"),
                literal("r"), literal("t")), seq(literal("u"), notSurrogate));
    }

    static Expr integer() {
        Expr digits = alt(literal("0"), seq(range('1', '9'), repeat(range('0', '9'), 0, MAX_DIGITS - 1)));
        return seq(optional(literal("-")), digits);
    }

    static Expr number() {
        Expr fraction = seq(literal("."), repeat(range('0', '9'), 1, MAX_DIGITS));
        Expr exponent = seq(alt(literal("e"), literal("E")), optional(alt(literal("+"), literal("-"))),
                repeat(range('0', '9'), 1, 3));
        return seq(integer(), optional(fraction), optional(exponent));
    }

    static Expr bool() {
        return alt(literal("true"), literal("false"));
    }

    static Expr nul() {
        return literal("null");
    }

    /** {@code open ws (close | item (ws , ws item)* ws close)}: a JSON object or array body. */
    static Expr container(GrammarBuilder grammar, String open, Expr item, String close) {
        Expr ws = whitespace(grammar);
        Expr more = star(seq(ws, literal(","), ws, item));
        return seq(literal(open), ws, alt(literal(close), seq(item, more, ws, literal(close))));
    }
}
