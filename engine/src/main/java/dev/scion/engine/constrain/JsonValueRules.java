package dev.scion.engine.constrain;

import static dev.scion.engine.constrain.Expr.alt;
import static dev.scion.engine.constrain.Expr.literal;
import static dev.scion.engine.constrain.Expr.seq;

/**
 * Any JSON value as rules of a grammar: an object rule and an array rule that call each other,
 * so each level of nesting is one stack frame and the grammar's depth bounds the nesting. Values
 * that are not containers are written inline, except strings, which call the shared string rule.
 */
final class JsonValueRules {
    final int object;
    final int array;
    private final GrammarBuilder grammar;

    JsonValueRules(GrammarBuilder grammar) {
        this.grammar = grammar;
        object = grammar.declare("object");
        array = grammar.declare("array");
        Expr ws = JsonTokens.whitespace(grammar);
        Expr member = seq(JsonTokens.string(grammar), ws, literal(":"), ws, value());
        grammar.define(object, JsonTokens.container(grammar, "{", member, "}"));
        grammar.define(array, JsonTokens.container(grammar, "[", value(), "]"));
    }

    /** Any value: a container by a call, anything else inline. */
    Expr value() {
        return alt(new Expr.Call(object), new Expr.Call(array), JsonTokens.string(grammar), JsonTokens.number(),
                JsonTokens.bool(), JsonTokens.nul());
    }
}
