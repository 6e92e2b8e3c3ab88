package dev.scion.engine.weights;

import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One safetensors file, memory-mapped tensor by tensor. A single mapping cannot exceed 2 GB, and
 * checkpoints can be far larger, so each tensor's byte range is mapped on demand; the heap only
 * ever holds the header.
 */
public final class SafetensorsFile implements WeightSource {

    private final Path file;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private volatile boolean closed;

    private SafetensorsFile(Path file, FileChannel channel, SafetensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
    }

    /** Opens and validates a file; throws {@link ModelFormatException} naming the file and tensor. */
    public static SafetensorsFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SafetensorsFile(file, channel, SafetensorsHeader.read(file, channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return file;
    }

    /** The {@code __metadata__} strings of the header (empty when absent). */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(header.metadata());
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(header.tensors().keySet());
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new ModelFormatException(file + ": tensor " + name + " not found");
        }
        return info;
    }

    @Override
    public ByteBuffer float32(String name) {
        TensorInfo info = info(name);
        if (info.elementCount() * 4 > Integer.MAX_VALUE) {
            throw new ModelFormatException(file + ": tensor " + name + " has " + info.elementCount()
                    + " elements, more than one 2 GB float32 buffer can hold");
        }
        ByteBuffer raw = map(info);
        if (info.dtype() == DType.F32) {
            return raw;
        }
        ShortBuffer halves = raw.asShortBuffer();
        ByteBuffer out = ByteBuffer.allocateDirect((int) info.elementCount() * 4).order(ByteOrder.LITTLE_ENDIAN);
        int n = halves.remaining();
        if (info.dtype() == DType.F16) {
            for (int i = 0; i < n; i++) {
                out.putFloat(i * 4, HalfFloats.f16ToFloat(halves.get(i)));
            }
        } else {
            for (int i = 0; i < n; i++) {
                out.putFloat(i * 4, HalfFloats.bf16ToFloat(halves.get(i)));
            }
        }
        return out;
    }

    /**
     * Every tensor copied into memory as float32 values with its stored dtype and shape, by name in sorted order:
     * the reverse of {@link SafetensorsWriter#write}, for small files (trainer state, checkpoints), never weights.
     */
    public Map<String, TensorData> readAll() {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (String name : new TreeSet<>(names())) {
            TensorInfo info = info(name);
            float[] values = new float[Math.toIntExact(info.elementCount())];
            float32(name).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            tensors.put(name, new TensorData(info.dtype(), info.shape().clone(), values));
        }
        return tensors;
    }

    /** The tensor's stored bytes, little-endian, read-only, positioned at 0. */
    public ByteBuffer raw(String name) {
        return map(info(name));
    }

    private ByteBuffer map(TensorInfo info) {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new ModelFormatException(file + ": tensor " + info.name() + " spans " + info.byteLength()
                    + " bytes, more than one 2 GB buffer can hold");
        }
        if (info.byteLength() == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, info.offset(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot map tensor " + info.name(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": close failed", e);
        }
    }
}
