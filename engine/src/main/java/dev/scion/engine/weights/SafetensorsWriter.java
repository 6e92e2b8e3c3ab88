package dev.scion.engine.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files laid out as Hugging Face's {@code safetensors} library lays them out:
 * {@code __metadata__} first, tensors ordered by descending dtype (F32, BF16, F16) then by name, the
 * header padded with spaces to a multiple of 8 bytes. The file appears atomically (see {@link AtomicFiles}).
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Values are narrowed in chunks so a large tensor never needs a second full-size copy. */
    private static final int CHUNK_ELEMENTS = 1 << 18;

    private SafetensorsWriter() {}

    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, TensorData>> ordered = new ArrayList<>(tensors.entrySet());
        for (Map.Entry<String, TensorData> e : ordered) {
            if (e.getKey().isEmpty() || e.getKey().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException(file + ": invalid tensor name \"" + e.getKey() + "\"");
            }
        }
        ordered.sort(Comparator.<Map.Entry<String, TensorData>, Integer>comparing(e -> rank(e.getValue().dtype()))
                .reversed()
                .thenComparing(e -> e.getKey().getBytes(StandardCharsets.UTF_8), SafetensorsWriter::compareBytes));
        byte[] header = header(ordered, metadata);
        AtomicFiles.write(file, channel -> {
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).put(header).flip();
            AtomicFiles.writeFully(channel, prefix);
            for (Map.Entry<String, TensorData> e : ordered) {
                writeValues(channel, e.getValue());
            }
        });
    }

    /** The safetensors library's dtype order; it sorts descending so wider types come first. */
    private static int rank(DType dtype) {
        switch (dtype) {
            case F16:
                return 0;
            case BF16:
                return 1;
            default:
                return 2;
        }
    }

    private static int compareBytes(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }

    private static byte[] header(List<Map.Entry<String, TensorData>> ordered, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> meta.put(e.getKey(), e.getValue()));
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : ordered) {
            TensorData t = e.getValue();
            long bytes = (long) t.values().length * t.dtype().bytes();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeValues(FileChannel channel, TensorData t) throws IOException {
        float[] v = t.values();
        int size = t.dtype().bytes();
        ByteBuffer chunk = ByteBuffer.allocate(Math.min(v.length, CHUNK_ELEMENTS) * size).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < v.length; start += CHUNK_ELEMENTS) {
            int end = Math.min(v.length, start + CHUNK_ELEMENTS);
            chunk.clear();
            for (int i = start; i < end; i++) {
                switch (t.dtype()) {
                    case F32:
                        chunk.putFloat(v[i]);
                        break;
                    case F16:
                        chunk.putShort(HalfFloats.floatToF16(v[i]));
                        break;
                    default:
                        chunk.putShort(HalfFloats.floatToBf16(v[i]));
                        break;
                }
            }
            chunk.flip();
            AtomicFiles.writeFully(channel, chunk);
        }
    }
}
