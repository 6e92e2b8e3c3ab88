package dev.scion.trainer.checkpoint;

import static dev.scion.trainer.checkpoint.CheckpointReader.FILES;
import static dev.scion.trainer.checkpoint.CheckpointReader.STATE;
import static dev.scion.trainer.checkpoint.CheckpointReader.TENSORS;

import dev.scion.engine.io.AtomicFiles;
import dev.scion.engine.io.Durable;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training loop's checkpoints, {@code <dir>/step-00000042/} each holding {@code tensors.safetensors},
 * {@code state.json} and {@code checksums.json}, so that a round killed at any moment resumes from its newest
 * intact step.
 *
 * <p>A name {@code step-*} only ever holds a complete checkpoint: one is assembled in {@code <dir>/.tmp-<random>/},
 * forced to disk, and renamed into place in one step. Replacing an existing step renames the old folder to
 * {@code .replaced-step-*} first (a folder cannot be renamed over a non-empty one); if the process dies between
 * the two renames, the next call renames it back, so a kill leaves the old set or the new one. Folders are deleted
 * only after being renamed out of the {@code step-*} names, so a kill mid-delete leaves no partial checkpoint either.
 * Anything under {@code .tmp-*} is debris of a dead save and is removed by the next save.
 *
 * <p>Corruption that slips past all that (a disk that lies about flushing, bit rot, a hand edit) is caught by
 * {@link #loadNewestValid}, which verifies digests and contents and moves a bad folder to {@code corrupt-step-*}:
 * kept for inspection, never tried again.
 *
 * <p>One writer per folder: the round that owns its adapter's workspace. Calls are serialised within this JVM.
 */
public final class CheckpointStore {
    /** Eight digits keep the names in step order when listed and cover any realistic round. */
    static final int MAX_STEP = 99_999_999;
    private static final Pattern STEP = Pattern.compile("step-(\\d{8})");
    private static final String TEMP = ".tmp-";
    private static final String REPLACED = ".replaced-";
    private static final String CORRUPT = "corrupt-";

    private final Path dir;
    private final int keep;

    /**
     * @param dir  the checkpoints' folder, created by the first save
     * @param keep how many of the newest checkpoints a save leaves (at least 1)
     */
    public CheckpointStore(Path dir, int keep) {
        Objects.requireNonNull(dir, "dir");
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1 checkpoint, got " + keep);
        }
        this.dir = dir.toAbsolutePath();
        this.keep = keep;
    }

    /**
     * Writes step {@code step} (replacing one of the same step), then deletes the oldest beyond {@code keep} (never
     * the one just written) and any debris of dead saves.
     *
     * @param state JSON values; {@code "step"} is added (it may already be there, equal to {@code step}). Integers
     *              read back as {@link Long} and other numbers as bit-identical {@link Double}s
     * @return the checkpoint's folder
     * @throws IllegalArgumentException for a step outside 0..99999999, a bad tensor name, or a state value JSON
     *                                  cannot give back (NaN, infinities, other objects), naming its path
     */
    public synchronized Path save(int step, Map<String, TensorData> tensors, Map<String, Object> state)
            throws IOException {
        if (step < 0 || step > MAX_STEP) {
            throw new IllegalArgumentException("step must be within 0.." + MAX_STEP + ", got " + step);
        }
        Map<String, Object> normalised = withStep(step, StateJson.normalise(state));
        createDir();
        recoverReplaced();
        Path target = folder(step);
        Path temp = dir.resolve(TEMP + UUID.randomUUID());
        Files.createDirectory(temp);
        try {
            SafetensorsWriter.write(temp.resolve(TENSORS), tensors, Map.of("format", "pt"));
            AtomicFiles.write(temp.resolve(STATE), StateJson.toBytes(normalised));
            AtomicFiles.write(temp.resolve(Checksums.FILE), Checksums.of(temp, FILES).toBytes(FILES));
            Durable.syncFolder(temp);
            Path replaced = dir.resolve(REPLACED + target.getFileName());
            boolean replacing = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
            if (replacing) {
                Durable.moveAtomically(target, replaced);
            }
            Durable.moveAtomically(temp, target);
            Durable.syncFolder(dir);
            if (replacing) {
                Durable.deleteTree(replaced);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Durable.deleteTree(temp);
                recoverReplaced();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        prune(step);
        removeDebris();
        return target;
    }

    /**
     * The newest checkpoint that passes every check, or null when none does. Checked: {@code checksums.json} parses
     * and lists both files, whose sizes and SHA-256 match it; the tensors parse; the state parses and its
     * {@code "step"} is the folder's. Each newer one that fails is reported to {@code warnings} with its folder and
     * the exact reason, and moved to {@code corrupt-step-*}.
     */
    public synchronized TrainingCheckpoint loadNewestValid(Consumer<String> warnings) throws IOException {
        Objects.requireNonNull(warnings, "warnings");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        recoverReplaced();
        List<Integer> steps = listSteps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Path folder = folder(steps.get(i));
            try {
                return CheckpointReader.read(folder, steps.get(i));
            } catch (CheckpointInvalidException e) {
                warnings.accept(folder + ": " + e.getMessage() + "; " + setAside(folder) + ", "
                        + (i > 0 ? "trying an older checkpoint" : "no older checkpoint left"));
            }
        }
        return null;
    }

    /** Steps of the checkpoints on disk, ascending, by their folders' names only (nothing is verified). */
    public synchronized List<Integer> steps() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        recoverReplaced();
        return listSteps();
    }

    /** Deletes every checkpoint, set-aside corrupt ones and debris included: a new round starts from nothing. */
    public synchronized void clear() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        for (Path entry : entries()) {
            String name = entry.getFileName().toString();
            if (STEP.matcher(name).matches() || name.startsWith(REPLACED) || name.startsWith(CORRUPT)) {
                discard(entry);
            }
        }
        removeDebris();
    }

    private Path folder(int step) {
        return dir.resolve(String.format(Locale.ROOT, "step-%08d", step));
    }

    private static Map<String, Object> withStep(int step, Map<String, Object> state) {
        Object given = state.get("step");
        if (given != null && !given.equals((long) step)) {
            throw new IllegalArgumentException("state.step is " + given + " but the checkpoint is step " + step);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", (long) step);
        out.putAll(state);
        return out;
    }

    private void createDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Durable.syncFolder(dir.getParent());
        }
    }

    private List<Integer> listSteps() throws IOException {
        List<Integer> steps = new ArrayList<>();
        for (Path entry : entries()) {
            Matcher m = STEP.matcher(entry.getFileName().toString());
            if (m.matches() && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                steps.add(Integer.parseInt(m.group(1)));
            }
        }
        steps.sort(null);
        return steps;
    }

    private List<Path> entries() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        return entries;
    }

    /** Finishes a replacement a kill interrupted: the old folder goes back unless the new one made it in. */
    private void recoverReplaced() throws IOException {
        for (Path entry : entries()) {
            String name = entry.getFileName().toString();
            String originalName = name.substring(Math.min(name.length(), REPLACED.length()));
            if (!name.startsWith(REPLACED) || !STEP.matcher(originalName).matches()) {
                continue;
            }
            Path original = dir.resolve(originalName);
            if (Files.exists(original, LinkOption.NOFOLLOW_LINKS)) {
                Durable.deleteTree(entry);
            } else {
                Durable.moveAtomically(entry, original);
                Durable.syncFolder(dir);
            }
        }
    }

    private void prune(int saved) throws IOException {
        List<Integer> steps = listSteps();
        int excess = steps.size() - keep;
        for (int i = 0; i < steps.size() && excess > 0; i++) {
            if (steps.get(i) != saved) {
                discard(folder(steps.get(i)));
                excess--;
            }
        }
    }

    /** Renames out of the store's names first, so a kill during the delete leaves only debris. */
    private void discard(Path folder) throws IOException {
        Path doomed = dir.resolve(TEMP + UUID.randomUUID());
        Durable.moveAtomically(folder, doomed);
        Durable.syncFolder(dir);
        Durable.deleteTree(doomed);
    }

    private void removeDebris() throws IOException {
        for (Path entry : entries()) {
            if (entry.getFileName().toString().startsWith(TEMP)) {
                Durable.deleteTree(entry);
            }
        }
    }

    /** Moves a bad checkpoint to the first free {@code corrupt-} name; says where it went, for the warning. */
    private String setAside(Path folder) {
        Path aside = dir.resolve(CORRUPT + folder.getFileName());
        for (int n = 2; Files.exists(aside, LinkOption.NOFOLLOW_LINKS); n++) {
            aside = dir.resolve(CORRUPT + folder.getFileName() + "-" + n);
        }
        try {
            Durable.moveAtomically(folder, aside);
            Durable.syncFolder(dir);
            return "moved to " + aside.getFileName();
        } catch (IOException e) {
            return "could not move it aside (" + e + ")";
        }
    }
}
