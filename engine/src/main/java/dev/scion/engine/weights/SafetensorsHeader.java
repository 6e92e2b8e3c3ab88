package dev.scion.engine.weights;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated JSON header of a safetensors file. Everything the format allows to go wrong is
 * checked here, once, so that mapping a tensor later can trust offsets and sizes.
 *
 * @param tensors every tensor by name, offsets absolute in the file
 * @param metadata the free-form {@code __metadata__} strings
 */
record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {

    /** Headers are a few KB to a few MB; anything bigger is a corrupt or hostile length field. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new ModelFormatException(file + ": truncated safetensors file: " + fileSize
                    + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new ModelFormatException(file + ": safetensors header length " + Long.toUnsignedString(headerLength)
                    + " is absurd (must be between 2 and " + MAX_HEADER_BYTES + " bytes); not a safetensors file?");
        }
        if (8 + headerLength > fileSize) {
            throw new ModelFormatException(file + ": truncated safetensors file: header length " + headerLength
                    + " exceeds the file size " + fileSize);
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        JsonNode root;
        try {
            root = JSON.readTree(headerBytes.array());
        } catch (JacksonException e) {
            throw new ModelFormatException(file + ": safetensors header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": safetensors header must be a JSON object");
        }
        return parse(file, root, 8 + headerLength, fileSize);
    }

    private static SafetensorsHeader parse(Path file, JsonNode root, long dataStart, long fileSize) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = metadata(file, field.getValue());
            } else {
                tensors.put(field.getKey(), tensor(file, field.getKey(), field.getValue(), dataStart, fileSize));
            }
        }
        checkLayout(file, tensors, dataStart, fileSize);
        return new SafetensorsHeader(tensors, metadata);
    }

    private static Map<String, String> metadata(Path file, JsonNode node) {
        if (node.isNull()) {
            return new LinkedHashMap<>();
        }
        if (!node.isObject()) {
            throw new ModelFormatException(file + ": " + METADATA_KEY + " must be an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> e = entries.next();
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(file + ": " + METADATA_KEY + "." + e.getKey()
                        + " must be a string, got " + e.getValue());
            }
            metadata.put(e.getKey(), e.getValue().asText());
        }
        return metadata;
    }

    private static TensorInfo tensor(Path file, String name, JsonNode node, long dataStart, long fileSize) {
        String where = file + ": tensor " + name + ": ";
        if (!node.isObject()) {
            throw new ModelFormatException(where + "entry must be an object with dtype, shape and data_offsets");
        }
        DType dtype = dtype(where, node.get("dtype"));
        long[] shape = shape(where, node.get("shape"));
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !isNonNegativeLong(offsets.get(0)) || !isNonNegativeLong(offsets.get(1))) {
            throw new ModelFormatException(where + "data_offsets must be [begin, end] of non-negative integers, got "
                    + offsets);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin > end) {
            throw new ModelFormatException(where + "data_offsets begin " + begin + " is after end " + end);
        }
        long expectedBytes = byteLength(where, shape, dtype);
        if (end - begin != expectedBytes) {
            throw new ModelFormatException(where + "data_offsets span " + (end - begin) + " bytes but shape "
                    + java.util.Arrays.toString(shape) + " of " + dtype + " needs " + expectedBytes);
        }
        if (end > fileSize - dataStart) {
            throw new ModelFormatException(where + "truncated file: data ends at byte " + (dataStart + end)
                    + " but the file has only " + fileSize + " bytes");
        }
        return new TensorInfo(name, dtype, shape, file, dataStart + begin, expectedBytes);
    }

    private static DType dtype(String where, JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw new ModelFormatException(where + "dtype must be a string, got " + node);
        }
        String name = node.asText();
        for (DType d : DType.values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new ModelFormatException(where + "unsupported dtype " + name + " (supported: F32, F16, BF16)");
    }

    private static long[] shape(String where, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new ModelFormatException(where + "shape must be a list of non-negative integers, got " + node);
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!isNonNegativeLong(node.get(i))) {
                throw new ModelFormatException(where + "shape must be a list of non-negative integers, got " + node);
            }
            shape[i] = node.get(i).asLong();
        }
        return shape;
    }

    private static long byteLength(String where, long[] shape, DType dtype) {
        try {
            long n = dtype.bytes();
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new ModelFormatException(where + "shape " + java.util.Arrays.toString(shape) + " overflows");
        }
    }

    private static boolean isNonNegativeLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    /**
     * The data section must be the tensors back to back, from its first byte to the file's last: the format forbids
     * holes and trailing bytes, which no tensor accounts for and which could carry any payload into a store.
     */
    private static void checkLayout(Path file, Map<String, TensorInfo> tensors, long dataStart, long fileSize) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::offset).thenComparingLong(TensorInfo::byteLength));
        long covered = dataStart;
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.byteLength() == 0) {
                continue; // an empty tensor occupies no bytes: it can neither overlap nor fill anything
            }
            if (t.offset() < covered) {
                throw new ModelFormatException(file + ": tensor " + t.name() + " overlaps tensor " + previous.name()
                        + " in the data section");
            }
            if (t.offset() > covered) {
                throw new ModelFormatException(file + ": the " + (t.offset() - covered) + " bytes before tensor "
                        + t.name() + " (data offset " + (covered - dataStart) + ") belong to no tensor; the "
                        + "safetensors format allows no holes in the data section");
            }
            covered = t.offset() + t.byteLength();
            previous = t;
        }
        if (covered < fileSize) {
            throw new ModelFormatException(file + ": " + (fileSize - covered) + " trailing bytes after the last "
                    + "tensor's data belong to no tensor; the safetensors format allows none");
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position + into.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
