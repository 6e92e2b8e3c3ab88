package dev.scion.engine.constrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scion.engine.text.ByteLevelBpeBuilder;
import dev.scion.engine.text.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConstraintCacheTest {
    @TempDir
    Path dir;

    @Test
    void sameKeySharesOneConstraintAndTheEldestGoesBeyondCapacity() throws Exception {
        ByteLevelBpeBuilder.write(dir, 50);
        try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"))) {
            ConstraintCache cache = new ConstraintCache(TokenTrie.of(tokenizer.tokenBytes()), 2);
            AtomicInteger compiles = new AtomicInteger();
            GrammarConstraint a = cache.get("choice:a", () -> {
                compiles.incrementAndGet();
                return Grammars.choice(List.of("a"));
            });
            assertSame(a, cache.get("choice:a", () -> {
                compiles.incrementAndGet();
                return Grammars.choice(List.of("a"));
            }));
            assertEquals(1, compiles.get());
            cache.get("choice:b", () -> Grammars.choice(List.of("b")));
            cache.get("choice:c", () -> Grammars.choice(List.of("c")));
            assertEquals(2, cache.size());
            assertNotSame(a, cache.get("choice:a", () -> Grammars.choice(List.of("a"))), "evicted, compiled again");
            assertThrows(UnsupportedSchemaException.class,
                    () -> cache.get("bad", () -> Grammars.jsonSchema("{\"type\":\"string\",\"format\":\"date\"}")));
            assertEquals(2, cache.size(), "a failed compile is not cached");
        }
    }
}
