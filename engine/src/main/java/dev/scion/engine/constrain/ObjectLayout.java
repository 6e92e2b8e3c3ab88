package dev.scion.engine.constrain;

import static dev.scion.engine.constrain.Expr.alt;
import static dev.scion.engine.constrain.Expr.literal;
import static dev.scion.engine.constrain.Expr.optional;
import static dev.scion.engine.constrain.Expr.seq;

import java.util.ArrayList;
import java.util.List;

/**
 * An object's members in declared order, required ones always and optional ones perhaps. The
 * commas depend on whether a member came before, so the body is an alternative per possible first
 * member (only optional ones may be skipped before it): n alternatives for n leading optional
 * members, one when the first member is required, as in strict mode where all are.
 */
final class ObjectLayout {
    private ObjectLayout() {}

    /**
     * {@code members.get(i)} is {@code "name" ws : ws value}; {@code required.get(i)} whether it must appear;
     * {@code ws} the optional whitespace between tokens.
     */
    static Expr of(List<Expr> members, List<Boolean> required, Expr ws) {
        Expr close = literal("}");
        int n = members.size();
        int firstRequired = required.indexOf(true);
        int lastFirst = firstRequired < 0 ? n - 1 : firstRequired;
        List<Expr> bodies = new ArrayList<>();
        for (int first = 0; first <= lastFirst; first++) {
            List<Expr> parts = new ArrayList<>();
            parts.add(members.get(first));
            for (int j = first + 1; j < n; j++) {
                Expr next = seq(ws, literal(","), ws, members.get(j));
                parts.add(required.get(j) ? next : optional(next));
            }
            parts.add(ws);
            parts.add(close);
            bodies.add(new Expr.Seq(parts));
        }
        if (firstRequired < 0) {
            bodies.add(close); // every member optional: the empty object too
        }
        return seq(literal("{"), ws, alt(bodies));
    }
}
