package dev.scion.engine.constrain;

import java.util.ArrayList;
import java.util.List;

/**
 * A practical regex subset (what vLLM's {@code guided_regex} users write) parsed into an
 * {@link Expr}, matched against the whole output: literals, escapes ({@code \d \w \s} and their
 * negations, ASCII as in most engines' defaults; {@code \n \t \xHH \\uHHHH}), classes with ranges
 * and negation, {@code .} (any character but newline), {@code * + ? {m} {m,} {m,n}} (lazy forms
 * match the same language), groups ({@code (...)}, {@code (?:...)}, named) and alternation.
 * A leading {@code ^} and trailing {@code $} are allowed and mean what the whole-output match
 * means anyway. Backreferences, lookaround, word boundaries, flags, Unicode properties and
 * possessive quantifiers have no finite automaton or change the language, and are refused.
 */
final class RegexCompiler {
    static final int MAX_REPEAT = 1000;
    static final int MAX_PATTERN_LENGTH = 10_000;

    private final String pattern;
    private final int[] cps;
    private int pos;
    private int depth;

    private RegexCompiler(String pattern) {
        this.pattern = pattern;
        this.cps = pattern.codePoints().toArray();
    }

    static Grammar compile(String pattern) {
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new InvalidConstraintException("the regex is longer than " + MAX_PATTERN_LENGTH + " characters");
        }
        RegexCompiler parser = new RegexCompiler(pattern);
        Expr body = parser.parseWhole();
        GrammarBuilder grammar = new GrammarBuilder();
        int rule = grammar.declare("regex");
        grammar.define(rule, body);
        return grammar.build(rule, 1, "regex");
    }

    private Expr parseWhole() {
        if (peekIs('^')) {
            pos++;
        }
        Expr e = alternation();
        if (pos < cps.length) {
            throw error(cps[pos] == ')' ? "an unmatched ')'" : "'" + Character.toString(cps[pos]) + "' here");
        }
        return e;
    }

    private Expr alternation() {
        List<Expr> options = new ArrayList<>();
        options.add(concatenation());
        while (peekIs('|')) {
            pos++;
            options.add(concatenation());
        }
        return Expr.alt(options);
    }

    private Expr concatenation() {
        List<Expr> parts = new ArrayList<>();
        while (pos < cps.length && cps[pos] != '|' && cps[pos] != ')') {
            if (cps[pos] == '$') {
                if (pos == cps.length - 1) {
                    pos++;
                    break;
                }
                throw error("'$' before the end (anchors only at the ends are supported)");
            }
            parts.add(quantified(atom()));
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Seq(parts);
    }

    private Expr quantified(Expr atom) {
        Expr e = atom;
        while (pos < cps.length) {
            int c = cps[pos];
            int min;
            int max;
            if (c == '*') {
                min = 0;
                max = Expr.Repeat.UNBOUNDED;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = Expr.Repeat.UNBOUNDED;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{' && isBound()) {
                pos++;
                min = number();
                max = min;
                if (peekIs(',')) {
                    pos++;
                    max = peekIs('}') ? Expr.Repeat.UNBOUNDED : number();
                }
                expect('}');
                if (max != Expr.Repeat.UNBOUNDED && max < min) {
                    throw error("{" + min + "," + max + "}: the maximum is below the minimum");
                }
            } else {
                return e;
            }
            if (peekIs('?')) {
                pos++; // lazy: the same language
            } else if (peekIs('+')) {
                throw error("possessive quantifiers");
            }
            e = Expr.repeat(e, min, max);
        }
        return e;
    }

    /** Whether a '{' starts a {m}, {m,} or {m,n} bound (elsewhere it is a literal brace, as in most engines). */
    private boolean isBound() {
        int i = pos + 1;
        int digits = 0;
        while (i < cps.length && Character.isDigit(cps[i])) {
            i++;
            digits++;
        }
        if (digits == 0) {
            return false;
        }
        if (i < cps.length && cps[i] == ',') {
            i++;
            while (i < cps.length && Character.isDigit(cps[i])) {
                i++;
            }
        }
        return i < cps.length && cps[i] == '}';
    }

    private int number() {
        long n = 0;
        int start = pos;
        while (pos < cps.length && cps[pos] >= '0' && cps[pos] <= '9') {
            n = n * 10 + (cps[pos] - '0');
            if (n > MAX_REPEAT) {
                throw error("a repetition count above " + MAX_REPEAT);
            }
            pos++;
        }
        if (pos == start) {
            throw error("a repetition bound without a number");
        }
        return (int) n;
    }

    private Expr atom() {
        int c = cps[pos++];
        switch (c) {
            case '(':
                return group();
            case '[':
                return charClass().expr();
            case '.':
                return CharClass.of('\n', '\n').complement().expr();
            case '\\':
                return escape(false).expr();
            case '^':
                throw error("'^' after the start (anchors only at the ends are supported)");
            case '*': case '+': case '?':
                throw error("a quantifier with nothing to repeat");
            default:
                return Expr.literal(Character.toString(c));
        }
    }

    private Expr group() {
        if (++depth > 100) {
            throw error("groups nested deeper than 100");
        }
        if (peekIs('?')) {
            pos++;
            int kind = pos < cps.length ? cps[pos] : -1;
            if (kind == ':') {
                pos++;
            } else if (kind == 'P' && pos + 1 < cps.length && cps[pos + 1] == '<') {
                pos += 2;
                skipName();
            } else if (kind == '<' && pos + 1 < cps.length && cps[pos + 1] != '=' && cps[pos + 1] != '!') {
                pos++;
                skipName();
            } else if (kind == '=' || kind == '!' || kind == '<') {
                throw error("lookaround");
            } else {
                throw error("the group '(?" + (kind < 0 ? "" : Character.toString(kind))
                        + "' (flags and other extensions)");
            }
        }
        Expr inner = alternation();
        expect(')');
        depth--;
        return inner;
    }

    private void skipName() {
        while (pos < cps.length && cps[pos] != '>') {
            pos++;
        }
        expect('>');
    }

    private CharClass charClass() {
        boolean negated = peekIs('^');
        if (negated) {
            pos++;
        }
        CharClass set = new CharClass();
        boolean first = true;
        while (pos < cps.length && (cps[pos] != ']' || first)) {
            first = false;
            int lo;
            if (cps[pos] == '\\') {
                pos++;
                CharClass escaped = escape(true);
                if (!peekIs('-') || escaped.merged().size() != 1 || escaped.merged().get(0)[0] != escaped.merged().get(0)[1]) {
                    set.addAll(escaped);
                    continue;
                }
                lo = escaped.merged().get(0)[0];
            } else {
                if (cps[pos] == '[' && pos + 1 < cps.length && cps[pos + 1] == ':') {
                    throw error("POSIX classes like [:alpha:]");
                }
                lo = cps[pos++];
            }
            if (peekIs('-') && pos + 1 < cps.length && cps[pos + 1] != ']') {
                pos++;
                int hi;
                if (cps[pos] == '\\') {
                    pos++;
                    List<int[]> r = escape(true).merged();
                    if (r.size() != 1 || r.get(0)[0] != r.get(0)[1]) {
                        throw error("a class escape as the end of a range");
                    }
                    hi = r.get(0)[0];
                } else {
                    hi = cps[pos++];
                }
                if (hi < lo) {
                    throw error("the range " + Character.toString(lo) + "-" + Character.toString(hi) + " is reversed");
                }
                set.add(lo, hi);
            } else {
                set.add(lo, lo);
            }
        }
        expect(']');
        return negated ? set.complement() : set;
    }

    /** The character set of an escape, after its backslash. */
    private CharClass escape(boolean inClass) {
        if (pos >= cps.length) {
            throw error("a trailing backslash");
        }
        int c = cps[pos++];
        switch (c) {
            case 'd': return CharClass.digit();
            case 'D': return CharClass.digit().complement();
            case 'w': return CharClass.word();
            case 'W': return CharClass.word().complement();
            case 's': return CharClass.space();
            case 'S': return CharClass.space().complement();
            case 'n': return single('\n');
            case 'r': return single('\r');
            case 't': return single('\t');
            case 'f': return single('\f');
            case 'v': return single(0x0B);
            case '0': return single(0);
            case 'x': return single(hex());
            case 'u': return single(hexDigits(4));
            case 'b':
                if (inClass) {
                    return single('\b');
                }
                throw error("word boundaries (\\b)");
            case 'B': case 'A': case 'z': case 'Z': case 'G':
                throw error("the anchor \\" + Character.toString(c));
            case 'p': case 'P':
                throw error("Unicode properties (\\" + Character.toString(c) + ")");
            default:
                if (c >= '1' && c <= '9') {
                    throw error("backreferences (\\" + Character.toString(c) + ")");
                }
                if (Character.isLetterOrDigit(c)) {
                    throw error("the escape \\" + Character.toString(c));
                }
                return single(c); // an escaped punctuation character stands for itself
        }
    }

    private int hex() {
        if (peekIs('{')) {
            pos++;
            int start = pos;
            while (pos < cps.length && cps[pos] != '}') {
                pos++;
            }
            String digits = new String(cps, start, pos - start);
            expect('}');
            return codePoint(digits);
        }
        return hexDigits(2);
    }

    private int hexDigits(int n) {
        if (pos + n > cps.length) {
            throw error("a short hex escape");
        }
        String digits = new String(cps, pos, n);
        pos += n;
        return codePoint(digits);
    }

    private int codePoint(String hexDigits) {
        try {
            int cp = Integer.parseInt(hexDigits, 16);
            if (cp < 0 || cp > Utf8.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw error("the escape of " + hexDigits + ", not a character");
            }
            return cp;
        } catch (NumberFormatException e) {
            throw error("the hex escape '" + hexDigits + "'");
        }
    }

    private static CharClass single(int cp) {
        return CharClass.of(cp, cp);
    }

    private boolean peekIs(int c) {
        return pos < cps.length && cps[pos] == c;
    }

    private void expect(int c) {
        if (!peekIs(c)) {
            throw error(pos < cps.length ? "'" + Character.toString(cps[pos]) + "' where '" + Character.toString(c)
                    + "' was expected" : "the end where '" + Character.toString(c) + "' was expected");
        }
        pos++;
    }

    private InvalidConstraintException error(String what) {
        return new InvalidConstraintException("regex " + abbreviated() + " at character " + pos
                + ": unsupported or invalid: " + what);
    }

    private String abbreviated() {
        return pattern.length() <= 60 ? "'" + pattern + "'" : "'" + pattern.substring(0, 57) + "...'";
    }
}
