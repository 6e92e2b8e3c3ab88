package dev.scion.server.constrain;

import dev.scion.engine.constrain.Constraint;
import dev.scion.engine.constrain.ConstraintCache;
import dev.scion.engine.constrain.InvalidConstraintException;
import dev.scion.engine.constrain.TokenTrie;
import dev.scion.engine.text.Tokenizer;
import dev.scion.server.api.OutputConstraint;
import dev.scion.server.errors.InvalidRequestException;
import java.util.function.Supplier;

/**
 * The compiled constraints of the served model: one {@link ConstraintCache} over its vocabulary (adapters share the
 * base model's tokenizer), so requests with the same schema share one automaton and its token masks. The vocabulary
 * trie is built on the first constrained request, not at start-up: most servers never need it. Call from a worker
 * thread: building the trie and compiling a grammar take milliseconds.
 */
public final class ServedConstraints {
    /** Distinct constraints kept compiled; each holds at most a few MiB of masks. */
    public static final int CAPACITY = 64;

    private final Supplier<Tokenizer> tokenizer;
    private ConstraintCache cache; // guarded by this; built on first use

    /** @param tokenizer the served model's tokenizer (its supplier may throw when the model has none) */
    public ServedConstraints(Supplier<Tokenizer> tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** {@link Constraint#NONE} for null, else the cached or freshly compiled constraint; 400 for what is refused. */
    public Constraint resolve(OutputConstraint requested) {
        if (requested == null) {
            return Constraint.NONE;
        }
        try {
            return cache().get(requested.key(), requested::compile);
        } catch (InvalidConstraintException e) { // an unsupported schema keyword is named in the message
            throw new InvalidRequestException(requested.param() + ": " + e.getMessage(), requested.param());
        }
    }

    private synchronized ConstraintCache cache() {
        if (cache == null) {
            cache = new ConstraintCache(TokenTrie.of(tokenizer.get().tokenBytes()), CAPACITY);
        }
        return cache;
    }

    /** Constraints compiled and kept, for tests and metrics. */
    public synchronized int size() {
        return cache == null ? 0 : cache.size();
    }
}
