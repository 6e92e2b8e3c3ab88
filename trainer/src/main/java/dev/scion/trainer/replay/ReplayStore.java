package dev.scion.trainer.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.io.AtomicFiles;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversations from earlier rounds, replayed beside new data so an adapter keeps what it learnt (rehearsal
 * against catastrophic forgetting). The store keeps a uniform random sample of every conversation ever offered,
 * bounded by {@code capacity}: reservoir sampling (Algorithm R), so old rounds stay represented in proportion to
 * their size without the store growing.
 *
 * <p>On disk: {@code <dir>/replay.jsonl} (one {@code {"messages": [...]}} a line, {@code weight} 0 or 1 on
 * assistant turns: a valid OpenAI-messages training file) and {@code <dir>/replay-state.json} ({@code seen},
 * {@code capacity}), each replaced atomically, the state last. A kill between the two leaves a new file with an old
 * count; opening trusts the file and logs the mismatch. Every random choice comes from the caller's seed, so the
 * same calls give byte-identical files.
 *
 * <p>Its methods are serialised within this JVM; across processes there is no lock: one round owns an adapter's
 * store at a time.
 */
public final class ReplayStore {
    static final String FILE = "replay.jsonl";
    static final String STATE = "replay-state.json";
    private static final Logger LOG = LoggerFactory.getLogger(ReplayStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int capacity;
    private List<List<ChatMessage>> held;
    private long seen;

    private ReplayStore(Path dir, int capacity, List<List<ChatMessage>> held, long seen) {
        this.dir = dir;
        this.capacity = capacity;
        this.held = held;
        this.seen = seen;
    }

    /**
     * Reads the store in {@code dir}, or starts an empty one (the folder is created by the first {@link #add}). A
     * store holding more than {@code capacity} (the capacity was lowered) keeps a uniform subsample of it, drawn
     * seeded with the seen count, so every open picks the same one.
     *
     * @param capacity the most conversations kept; 0 keeps none
     * @throws IOException naming file and line when {@code replay.jsonl} holds anything but conversations
     */
    public static ReplayStore open(Path dir, int capacity) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be 0 or more conversations, got " + capacity);
        }
        Path file = dir.resolve(FILE);
        List<List<ChatMessage>> held = Files.exists(file) ? ReplayFile.read(file) : new ArrayList<>();
        long seen = reconcile(dir.resolve(STATE), held.size());
        if (held.size() > capacity) {
            LOG.info("{}: {} conversations held, capacity is now {}: keeping a uniform sample", file, held.size(),
                    capacity);
            int[] kept = draw(held.size(), capacity, seen);
            Arrays.sort(kept);
            List<List<ChatMessage>> sample = new ArrayList<>(capacity);
            for (int i : kept) {
                sample.add(held.get(i));
            }
            held = sample;
        }
        return new ReplayStore(dir, capacity, new ArrayList<>(held), seen);
    }

    /** The seen count to continue from: the state's, unless the file (written first, so newer) contradicts it. */
    private static long reconcile(Path state, int lines) {
        long seen = 0;
        long stored = 0;
        String problem = null;
        if (Files.exists(state)) {
            try {
                JsonNode json = JSON.readTree(Files.readAllBytes(state));
                if (json == null || !json.path("seen").canConvertToLong() || !json.path("capacity").isInt()
                        || json.get("seen").longValue() < 0) {
                    problem = "has no valid seen and capacity";
                } else {
                    seen = json.get("seen").longValue();
                    stored = Math.min(seen, json.get("capacity").intValue());
                }
            } catch (IOException e) {
                problem = "cannot be read (" + e.getMessage().lines().findFirst().orElse("") + ")";
            }
        } else if (lines > 0) {
            problem = "is missing";
        }
        if (problem == null && stored != lines) {
            problem = "says " + seen + " seen, so " + stored + " held, but " + FILE + " holds " + lines;
        }
        if (problem != null) {
            LOG.warn("{} {}; trusting {}'s {} conversations", state, problem, FILE, lines);
        }
        return Math.max(seen, lines);
    }

    /** Conversations held, at most the capacity. */
    public synchronized int size() {
        return held.size();
    }

    /** Conversations ever offered to {@link #add}, kept or not. */
    public synchronized long seen() {
        return seen;
    }

    /** Every conversation held, in stored order. */
    public synchronized List<List<ChatMessage>> all() {
        return List.copyOf(held);
    }

    /**
     * {@code n} distinct conversations drawn uniformly, in draw order; every one held, in stored order, when
     * {@code n >= size()}. The same seed on the same contents gives the same draw.
     */
    public synchronized List<List<ChatMessage>> sample(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot sample " + n + " conversations");
        }
        if (n >= held.size()) {
            return List.copyOf(held);
        }
        List<List<ChatMessage>> out = new ArrayList<>(n);
        for (int i : draw(held.size(), n, seed)) {
            out.add(held.get(i));
        }
        return List.copyOf(out);
    }

    /** {@code n < size} distinct indices below {@code size}, in draw order: a partial Fisher-Yates shuffle. */
    private static int[] draw(int size, int n, long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(size - i);
            int picked = order[j];
            order[j] = order[i];
            order[i] = picked;
        }
        return Arrays.copyOf(order, n);
    }

    /**
     * Offers conversations to the reservoir (each is kept with probability capacity / seen-so-far, replacing a
     * random held one once full) and writes the result. On failure nothing changes, in memory or on disk.
     *
     * @throws IllegalArgumentException for a conversation no training file could hold (empty, an empty answer,
     *                                  nothing trained), naming its index
     */
    public synchronized void add(List<List<ChatMessage>> conversations, long seed) throws IOException {
        for (int i = 0; i < conversations.size(); i++) {
            requireTrainable(conversations.get(i), i);
        }
        if (conversations.isEmpty()) {
            return;
        }
        List<List<ChatMessage>> next = new ArrayList<>(held);
        long nextSeen = seen;
        SplittableRandom random = new SplittableRandom(seed);
        for (List<ChatMessage> conversation : conversations) {
            if (next.size() < capacity) {
                next.add(List.copyOf(conversation));
            } else if (capacity > 0) {
                long slot = random.nextLong(nextSeen + 1);
                if (slot < capacity) {
                    next.set((int) slot, List.copyOf(conversation));
                }
            }
            nextSeen++;
        }
        AtomicFiles.write(dir.resolve(FILE), ReplayFile.toBytes(next));
        AtomicFiles.write(dir.resolve(STATE), JSON.writeValueAsBytes(
                JSON.createObjectNode().put("seen", nextSeen).put("capacity", capacity)));
        held = next;
        seen = nextSeen;
    }

    /** The checks {@code Dataset.load} makes on each line, so that the stored file always loads. */
    private static void requireTrainable(List<ChatMessage> conversation, int index) {
        String at = "conversation " + index + ": ";
        if (conversation.isEmpty()) {
            throw new IllegalArgumentException(at + "empty");
        }
        for (ChatMessage m : conversation) {
            Objects.requireNonNull(m, at + "null message");
            if (m.isEmptyAnswer()) {
                throw new IllegalArgumentException(at + "an empty answer");
            }
        }
        if (conversation.stream().noneMatch(ChatMessage::trained)) {
            throw new IllegalArgumentException(at + "no trained assistant message: nothing to learn");
        }
    }
}
