package dev.scion.trainer.checkpoint;

import dev.scion.engine.store.Sha256;
import static dev.scion.trainer.checkpoint.CheckpointStoreTest.names;
import static dev.scion.trainer.checkpoint.CheckpointStoreTest.tensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged newest checkpoint is reported, set aside, and the one before it is used. */
class CheckpointCorruptionTest {
    @TempDir
    Path tmp;
    CheckpointStore store;
    Path newest;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void twoCheckpoints() throws IOException {
        store = new CheckpointStore(tmp, 5);
        store.save(1, tensors(1), Map.of("seed", 11L));
        newest = store.save(2, tensors(2), Map.of("seed", 22L));
    }

    /** Loads, expects step 1, and returns the one warning, which must name the bad folder. */
    String fallsBackToStepOne() throws IOException {
        TrainingCheckpoint back = store.loadNewestValid(warnings::add);
        assertEquals(1, back.step());
        assertEquals(11L, back.state().get("seed"));
        assertArrayEquals(tensors(1).get("layers.0.q_proj.lora_A").values(),
                back.tensors().get("layers.0.q_proj.lora_A").values());
        assertEquals(1, warnings.size(), warnings.toString());
        String warning = warnings.get(0);
        assertTrue(warning.startsWith(newest + ": "), warning);
        assertTrue(warning.endsWith("; moved to corrupt-step-00000002, trying an older checkpoint"), warning);
        assertEquals(List.of("corrupt-step-00000002", "step-00000001"), names(tmp), "set aside, nothing lost");
        assertEquals(List.of(1), store.steps());
        return warning.substring(newest.toString().length() + 2, warning.indexOf("; moved to"));
    }

    @Test
    void aTruncatedTensorsFile() throws IOException {
        Path file = newest.resolve("tensors.safetensors");
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size - 10);
        }
        assertEquals("tensors.safetensors is " + (size - 10) + " bytes, checksums.json says " + size,
                fallsBackToStepOne());
    }

    @Test
    void aFlippedByte() throws IOException {
        Path file = newest.resolve("tensors.safetensors");
        String before = Sha256.ofFile(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(file, bytes);
        assertEquals("tensors.safetensors sha256 " + Sha256.ofFile(file) + " differs from checksums.json's "
                + before, fallsBackToStepOne());
    }

    @Test
    void aMissingStateFile() throws IOException {
        Files.delete(newest.resolve("state.json"));
        assertEquals("state.json is missing", fallsBackToStepOne());
    }

    @Test
    void aBadChecksumsFile() throws IOException {
        Files.writeString(newest.resolve("checksums.json"), "{\"tensors.safetensors\": {\"size\": 12");
        String reason = fallsBackToStepOne();
        assertTrue(reason.startsWith("checksums.json does not parse: Unexpected end-of-input"), reason);
        assertTrue(reason.endsWith("(line 1, column 36)"), reason);
    }

    @Test
    void aChecksumsFileWithoutAnEntry() throws IOException {
        Files.writeString(newest.resolve("checksums.json"), "{\"state.json\": {\"size\": 1, \"sha256\": \"00\"}}");
        assertEquals("checksums.json has no valid tensors.safetensors.size", fallsBackToStepOne());
    }

    @Test
    void aStateOfAnotherStepWhoseChecksumsMatch() throws IOException {
        Files.writeString(newest.resolve("state.json"), "{\"step\": 1}");
        rewriteChecksums();
        assertEquals("state.json's step is 1, the folder's is 2", fallsBackToStepOne());
    }

    @Test
    void tensorsThatDoNotParseThoughTheirChecksumsMatch() throws IOException {
        Files.write(newest.resolve("tensors.safetensors"), new byte[] {1, 2, 3});
        rewriteChecksums();
        assertTrue(fallsBackToStepOne().startsWith("tensors.safetensors does not parse: "));
    }

    @Test
    void onlyCorruptCheckpointsGiveNull() throws IOException {
        Files.delete(newest.resolve("checksums.json"));
        Files.delete(tmp.resolve("step-00000001").resolve("state.json"));

        assertNull(store.loadNewestValid(warnings::add));

        assertEquals(List.of(newest + ": checksums.json is missing; moved to corrupt-step-00000002, trying an older"
                + " checkpoint", tmp.resolve("step-00000001") + ": state.json is missing; moved to"
                + " corrupt-step-00000001, no older checkpoint left"), warnings);
        assertEquals(List.of(), store.steps());
    }

    @Test
    void aStepCorruptTwiceIsSetAsideUnderAFreeName() throws IOException {
        Files.delete(newest.resolve("state.json"));
        store.loadNewestValid(warnings::add);
        store.save(2, tensors(2), Map.of());
        Files.delete(newest.resolve("state.json"));
        store.loadNewestValid(warnings::add);
        assertTrue(warnings.get(1).contains("moved to corrupt-step-00000002-2"), warnings.get(1));
        assertEquals(List.of("corrupt-step-00000002", "corrupt-step-00000002-2", "step-00000001"), names(tmp));
    }

    /** A save killed before its rename leaves only a temp folder, which loading never considers and saving removes. */
    @Test
    void aPartlyWrittenTempFolderIsNeverReturnedAndTheNextSaveRemovesIt() throws IOException {
        Path dead = Files.createDirectory(tmp.resolve(".tmp-0b5e"));
        Files.write(dead.resolve(".tensors.safetensors1234.partial"), new byte[] {8, 0, 0});
        Path whole = Files.createDirectory(tmp.resolve(".tmp-whole"));
        for (String name : List.of("tensors.safetensors", "state.json", "checksums.json")) {
            Files.copy(newest.resolve(name), whole.resolve(name));
        }
        Files.writeString(whole.resolve("state.json"), "{\"step\": 9}");
        rewriteChecksums(whole);

        assertEquals(2, store.loadNewestValid(w -> { throw new AssertionError(w); }).step());
        assertEquals(List.of(1, 2), store.steps());

        store.save(3, tensors(3), Map.of());
        assertEquals(List.of("step-00000001", "step-00000002", "step-00000003"), names(tmp));
    }

    private void rewriteChecksums() throws IOException {
        rewriteChecksums(newest);
    }

    private static void rewriteChecksums(Path folder) throws IOException {
        Files.write(folder.resolve("checksums.json"),
                Checksums.of(folder, CheckpointReader.FILES).toBytes(CheckpointReader.FILES));
    }
}
