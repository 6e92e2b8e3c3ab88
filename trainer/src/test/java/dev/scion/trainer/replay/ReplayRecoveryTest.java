package dev.scion.trainer.replay;

import static dev.scion.trainer.replay.ReplayStoreTest.offer;
import static dev.scion.trainer.replay.ReplayStoreTest.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening files that were damaged, edited or left inconsistent by a kill. */
class ReplayRecoveryTest {
    static final String GOOD = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
            + "{\"role\":\"assistant\",\"content\":\"a\",\"weight\":1}]}";

    @TempDir
    Path tmp;

    IOException openFails(String... lines) throws IOException {
        Files.writeString(tmp.resolve("replay.jsonl"), String.join("\n", lines) + "\n");
        return assertThrows(IOException.class, () -> ReplayStore.open(tmp, 10));
    }

    @Test
    void aCorruptLineFailsTheOpenNamingFileAndLine() throws IOException {
        String file = tmp.resolve("replay.jsonl").toString();
        String invalid = openFails(GOOD, "", "{\"messages\":[").getMessage();
        assertTrue(invalid.startsWith(file + ":3: invalid JSON at column 14: Unexpected end-of-input"), invalid);
        assertEquals(file + ":2: messages[1].role: must be system, user, assistant or tool",
                openFails(GOOD, "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"bot\"}]}")
                        .getMessage());
        assertEquals(file + ":1: messages[1].tool_call_id: a string on tool messages, and only there",
                openFails("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"tool\",\"content\":\"r\"}]}")
                        .getMessage());
        String badArguments = openFails("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\","
                + "\"content\":\"\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]}]}")
                .getMessage();
        assertTrue(badArguments.startsWith(file + ":1: messages[1].tool_calls[0].function.arguments: not valid JSON: "),
                badArguments);
        assertEquals(file + ":1: messages[0].weight: must be 0 or 1, on assistant messages only",
                openFails("{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"weight\":1}]}").getMessage());
        assertEquals(file + ":1: messages: must be a non-empty array of messages",
                openFails("[1, 2]").getMessage());
    }

    @Test
    void aFileNewerThanItsStateIsTrusted() throws IOException {
        offer(tmp, 10, 4, 4, 0);
        // killed after replay.jsonl was replaced but before replay-state.json: the state says 1 seen
        Files.writeString(tmp.resolve("replay-state.json"), "{\"seen\":1,\"capacity\":10}");
        ReplayStore store = ReplayStore.open(tmp, 10);
        assertEquals(4, store.size());
        assertEquals(4, store.seen());
        assertEquals(range(0, 4), store.all());
    }

    @Test
    void aMissingOrUnreadableStateFallsBackToTheFile() throws IOException {
        offer(tmp, 10, 6, 6, 0);
        Files.delete(tmp.resolve("replay-state.json"));
        assertEquals(6, ReplayStore.open(tmp, 10).seen());
        Files.writeString(tmp.resolve("replay-state.json"), "{\"seen\": \"many\"");
        assertEquals(6, ReplayStore.open(tmp, 10).seen());
    }

    @Test
    void aFullStoreKeepsItsCountFromTheState() throws IOException {
        offer(tmp, 10, 25, 5, 0);
        ReplayStore store = ReplayStore.open(tmp, 10);
        assertEquals(25, store.seen());
        store.add(range(25, 30), 9);
        assertEquals(30, ReplayStore.open(tmp, 10).seen());
        assertEquals(List.of(), ReplayStore.open(tmp.resolve("nothing-here"), 10).all());
    }
}
