package dev.scion.engine.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A language over bytes as an expression tree, what every source (JSON Schema, regex, choice)
 * compiles to before it becomes automata: bytes, sequences, alternatives, bounded or unbounded
 * repetition, and calls of other rules (the only way to recursion, so nesting needs a stack).
 */
sealed interface Expr {

    /** One byte in {@code [lo, hi]} (unsigned). */
    record Range(int lo, int hi) implements Expr {
        public Range {
            if (lo < 0 || hi > 255 || lo > hi) {
                throw new IllegalArgumentException("byte range " + lo + ".." + hi);
            }
        }
    }

    record Seq(List<Expr> parts) implements Expr {
        public Seq {
            parts = List.copyOf(parts);
        }
    }

    record Alt(List<Expr> options) implements Expr {
        public Alt {
            options = List.copyOf(options);
        }
    }

    /** {@code body} between {@code min} and {@code max} times; {@code max} {@link #UNBOUNDED} for no limit. */
    record Repeat(Expr body, int min, int max) implements Expr {
        static final int UNBOUNDED = -1;
    }

    /** The language of another rule of the same grammar. */
    record Call(int rule) implements Expr {}

    Expr EMPTY = new Seq(List.of());

    static Expr range(int lo, int hi) {
        return new Range(lo, hi);
    }

    static Expr literal(String text) {
        return literal(text.getBytes(StandardCharsets.UTF_8));
    }

    static Expr literal(byte[] bytes) {
        List<Expr> parts = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            parts.add(new Range(b & 0xFF, b & 0xFF));
        }
        return parts.size() == 1 ? parts.get(0) : new Seq(parts);
    }

    static Expr seq(Expr... parts) {
        return new Seq(List.of(parts));
    }

    static Expr alt(Expr... options) {
        return new Alt(List.of(options));
    }

    static Expr alt(List<Expr> options) {
        return options.size() == 1 ? options.get(0) : new Alt(options);
    }

    static Expr optional(Expr body) {
        return new Repeat(body, 0, 1);
    }

    static Expr star(Expr body) {
        return new Repeat(body, 0, Repeat.UNBOUNDED);
    }

    static Expr repeat(Expr body, int min, int max) {
        return new Repeat(body, min, max);
    }
}
