package dev.scion.trainer.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.trainer.data.ChatMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reservoir's bound, uniformity and determinism, and the files it keeps. */
class ReplayStoreTest {
    @TempDir
    Path tmp;

    /** Conversation {@code id}: its number is recoverable from the user turn. */
    static List<ChatMessage> conversation(int id) {
        return List.of(ChatMessage.user("question " + id), ChatMessage.assistant("answer " + id));
    }

    static List<List<ChatMessage>> range(int from, int to) {
        List<List<ChatMessage>> out = new ArrayList<>();
        for (int id = from; id < to; id++) {
            out.add(conversation(id));
        }
        return out;
    }

    static int id(List<ChatMessage> conversation) {
        return Integer.parseInt(conversation.get(0).content().substring("question ".length()));
    }

    /** Offers 0..n-1 in batches of {@code batch}, batch b with seed {@code base + b}. */
    static ReplayStore offer(Path dir, int capacity, int n, int batch, long base) throws IOException {
        ReplayStore store = ReplayStore.open(dir, capacity);
        for (int from = 0; from < n; from += batch) {
            store.add(range(from, Math.min(n, from + batch)), base + from / batch);
        }
        return store;
    }

    @Test
    void theStoreNeverHoldsMoreThanItsCapacityButCountsEverything() throws IOException {
        ReplayStore store = offer(tmp, 50, 300, 30, 0);
        assertEquals(50, store.size());
        assertEquals(300, store.seen());
        assertEquals(50, new HashSet<>(store.all()).size(), "no conversation is held twice");
        assertEquals(50, Files.readAllLines(tmp.resolve("replay.jsonl")).size());
        assertEquals("{\"seen\":300,\"capacity\":50}", Files.readString(tmp.resolve("replay-state.json")));
    }

    @Test
    void untilFullEveryConversationIsKeptInOrder() throws IOException {
        ReplayStore store = offer(tmp, 10, 7, 3, 0);
        assertEquals(range(0, 7), store.all());
    }

    @Test
    void everyDecileOfTheOfferedConversationsIsRepresentedAboutEqually() throws IOException {
        int[] deciles = new int[10];
        int runs = 20;
        for (int run = 0; run < runs; run++) {
            ReplayStore store = offer(tmp.resolve("run" + run), 100, 1000, 50, 1000L * run);
            for (List<ChatMessage> c : store.all()) {
                deciles[id(c) / 100]++;
            }
        }
        // 2000 kept in all, 200 expected per decile (standard deviation about 13); keeping the first or the
        // last offered ones would put 2000 in one decile and none in the others
        for (int d = 0; d < 10; d++) {
            assertTrue(deciles[d] > 140 && deciles[d] < 260, "decile " + d + ": " + deciles[d] + " of 2000");
        }
    }

    @Test
    void theSameCallsGiveIdenticalFilesAndAnotherSeedAnotherSample() throws IOException {
        offer(tmp.resolve("a"), 20, 200, 25, 7);
        offer(tmp.resolve("b"), 20, 200, 25, 7);
        offer(tmp.resolve("c"), 20, 200, 25, 8);
        for (String file : List.of("replay.jsonl", "replay-state.json")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(file)),
                    Files.readAllBytes(tmp.resolve("b").resolve(file)), file);
        }
        assertNotEquals(Files.readString(tmp.resolve("a").resolve("replay.jsonl")),
                Files.readString(tmp.resolve("c").resolve("replay.jsonl")));
    }

    @Test
    void aReopenedStoreHoldsTheSameConversations() throws IOException {
        List<ChatMessage> rich = List.of(ChatMessage.system("Be brief.\nAlways."),
                ChatMessage.user("Quote \"this\" – and a tab\there, é, 🙂"), ChatMessage.assistant("No.", false),
                ChatMessage.user("Again?"), ChatMessage.assistant("Yes.\r\n"));
        ReplayStore store = ReplayStore.open(tmp.resolve("replay"), 30);
        store.add(List.of(rich), 1);
        store.add(range(0, 40), 2);

        ReplayStore reopened = ReplayStore.open(tmp.resolve("replay"), 30);

        assertEquals(store.all(), reopened.all());
        assertEquals(41, reopened.seen());
        assertEquals(30, reopened.size());
        assertEquals(store.sample(5, 3), reopened.sample(5, 3));
        ReplayStore kept = ReplayStore.open(tmp.resolve("one"), 5);
        kept.add(List.of(rich), 1);
        assertEquals(List.of(rich), ReplayStore.open(tmp.resolve("one"), 5).all());
    }

    @Test
    void samplesAreDistinctDeterministicAndAllWhenAskedForAsManyAsHeld() throws IOException {
        ReplayStore store = offer(tmp, 40, 100, 100, 1);
        List<List<ChatMessage>> sample = store.sample(15, 42);
        assertEquals(15, sample.size());
        assertEquals(15, new HashSet<>(sample).size());
        assertTrue(store.all().containsAll(sample));
        assertEquals(sample, store.sample(15, 42));
        assertNotEquals(sample, store.sample(15, 43));
        assertEquals(store.all(), store.sample(40, 1));
        assertEquals(store.all(), store.sample(1000, 1));
        assertEquals(List.of(), store.sample(0, 1));
        assertThrows(IllegalArgumentException.class, () -> store.sample(-1, 1));
    }

    @Test
    void capacityZeroStoresNothingButCounts() throws IOException {
        ReplayStore store = offer(tmp, 0, 30, 10, 0);
        assertEquals(0, store.size());
        assertEquals(List.of(), store.all());
        assertEquals(30, store.seen());
        assertEquals(30, ReplayStore.open(tmp, 0).seen());
    }

    @Test
    void theFolderIsCreatedByTheFirstAddOnly() throws IOException {
        Path dir = tmp.resolve("later").resolve("replay");
        ReplayStore store = ReplayStore.open(dir, 5);
        store.add(List.of(), 1);
        assertEquals(0, store.seen());
        assertFalse(Files.exists(dir));
        store.add(range(0, 1), 1);
        assertTrue(Files.isRegularFile(dir.resolve("replay.jsonl")));
    }

    @Test
    void aLoweredCapacityKeepsTheSameUniformSubsampleOnEveryOpen() throws IOException {
        ReplayStore big = offer(tmp, 50, 500, 100, 3);
        ReplayStore small = ReplayStore.open(tmp, 20);
        assertEquals(20, small.size());
        assertEquals(500, small.seen());
        assertTrue(big.all().containsAll(small.all()));
        List<List<ChatMessage>> inStoredOrder = new ArrayList<>(big.all());
        inStoredOrder.retainAll(small.all());
        assertEquals(inStoredOrder, small.all());
        assertEquals(small.all(), ReplayStore.open(tmp, 20).all());
    }

    @Test
    void aConversationNoTrainingFileCouldHoldIsRefusedAndNothingChanges() throws IOException {
        ReplayStore store = offer(tmp, 5, 3, 3, 0);
        byte[] before = Files.readAllBytes(tmp.resolve("replay.jsonl"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.add(List.of(
                conversation(9), List.of(ChatMessage.user("hi"), ChatMessage.assistant("hello", false))), 1));
        assertEquals("conversation 1: no trained assistant message: nothing to learn", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.add(List.of(List.of()), 1));
        assertThrows(IllegalArgumentException.class,
                () -> store.add(List.of(List.of(ChatMessage.user("hi"), ChatMessage.assistant(" "))), 1));
        assertEquals(3, store.seen());
        assertArrayEquals(before, Files.readAllBytes(tmp.resolve("replay.jsonl")));
    }
}
