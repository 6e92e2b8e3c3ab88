package dev.scion.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    private static final float[] F32_VALUES = {1.5f, -2.25f, 3.0e-8f, Float.MAX_VALUE, -0.0f, 7f};
    // Every value is exactly representable in half precision, including a subnormal, infinity and -0.
    private static final float[] F16_VALUES = {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0.0f};
    // Every value is exactly representable in bfloat16.
    private static final float[] BF16_VALUES = {1f, -2.5f, 0x1.fep127f, 0x1p-126f};

    private Path writeSample() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("z.f32", new TensorData(DType.F32, new long[] {2, 3}, F32_VALUES));
        tensors.put("b.f16", new TensorData(DType.F16, new long[] {6}, F16_VALUES));
        tensors.put("a.bf16", new TensorData(DType.BF16, new long[] {2, 2}, BF16_VALUES));
        tensors.put("empty", new TensorData(DType.F32, new long[] {0, 4}, new float[0]));
        Path file = dir.resolve("sample.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        return file;
    }

    @Test
    void valuesShapesAndMetadataSurviveARoundTripInEveryDtype() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(writeSample())) {
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(Set.of("z.f32", "b.f16", "a.bf16", "empty"), f.names());
            assertEquals(DType.F32, f.info("z.f32").dtype());
            assertArrayEquals(new long[] {2, 3}, f.info("z.f32").shape());
            assertArrayEquals(F32_VALUES, f.floats("z.f32"));
            assertEquals(DType.F16, f.info("b.f16").dtype());
            assertArrayEquals(F16_VALUES, f.floats("b.f16"));
            assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(f.floats("b.f16")[5]));
            assertEquals(DType.BF16, f.info("a.bf16").dtype());
            assertArrayEquals(new long[] {2, 2}, f.info("a.bf16").shape());
            assertArrayEquals(BF16_VALUES, f.floats("a.bf16"));
            assertEquals(0, f.floats("empty").length);
        }
    }

    @Test
    void halfPrecisionIsStoredWithTheStandardBitPatterns() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(writeSample())) {
            ByteBuffer f16 = f.raw("b.f16");
            assertEquals(0x3C00, f16.getShort(0) & 0xFFFF);
            assertEquals(0xC000, f16.getShort(2) & 0xFFFF);
            assertEquals(0x7BFF, f16.getShort(4) & 0xFFFF);
            assertEquals(0x0001, f16.getShort(6) & 0xFFFF);
            assertEquals(0x7C00, f16.getShort(8) & 0xFFFF);
            assertEquals(0x8000, f16.getShort(10) & 0xFFFF);
            ByteBuffer bf16 = f.raw("a.bf16");
            assertEquals(0x3F80, bf16.getShort(0) & 0xFFFF);
            assertEquals(0xC020, bf16.getShort(2) & 0xFFFF);
        }
    }

    @Test
    void narrowingRoundsToNearestEven() throws IOException {
        Path file = dir.resolve("round.safetensors");
        float tieF16 = 1f + 0x1p-11f; // tie between 0x3C00 and 0x3C01
        float tieBf16 = 1f + 3 * 0x1p-8f; // tie between 0x3F81 and 0x3F82
        SafetensorsWriter.write(file, Map.of(
                "h", new TensorData(DType.F16, new long[] {1}, new float[] {tieF16}),
                "b", new TensorData(DType.BF16, new long[] {1}, new float[] {tieBf16})), Map.of());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(0x3C00, f.raw("h").getShort(0) & 0xFFFF);
            assertEquals(0x3F82, f.raw("b").getShort(0) & 0xFFFF);
            assertArrayEquals(new float[] {1f}, f.floats("h"));
            assertArrayEquals(new float[] {1f + 2 * 0x1p-7f}, f.floats("b"));
        }
    }

    @Test
    void handWrittenBitPatternsDecodeToKnownValues() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("bits.safetensors"),
                "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}",
                concat(RawSafetensors.shorts(0x3C00, 0x7C00, 0x0001, 0xFC00), RawSafetensors.shorts(0x3F80, 0xBF80)));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new float[] {1f, Float.POSITIVE_INFINITY, 0x1p-24f, Float.NEGATIVE_INFINITY},
                    f.floats("h"));
            assertArrayEquals(new float[] {1f, -1f}, f.floats("b"));
        }
    }

    @Test
    void headerIsLaidOutAsHuggingFaceWritesIt() throws IOException {
        byte[] bytes = Files.readAllBytes(writeSample());
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        assertTrue(header.length() - json.length() < 8);
        // __metadata__ first, then by descending dtype (F32, BF16, F16), then by name; offsets follow that order.
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[0,0]},"
                + "\"z.f32\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"a.bf16\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[24,32]},"
                + "\"b.f16\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[32,44]}}", json);
        assertEquals(8 + headerLength + 44, bytes.length);
    }

    @Test
    void f32IsASliceOfTheMappingNotACopy() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(writeSample())) {
            ByteBuffer b = f.float32("z.f32");
            assertTrue(b instanceof MappedByteBuffer, "F32 must be served from the mapping");
            assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
            assertEquals(0, b.position());
            assertEquals(24, b.remaining());
            ByteBuffer converted = f.float32("b.f16");
            assertTrue(converted.isDirect());
            assertEquals(ByteOrder.LITTLE_ENDIAN, converted.order());
            assertEquals(1f, converted.getFloat(0));
        }
    }

    @Test
    void rewritingReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = writeSample();
        SafetensorsWriter.write(file, Map.of("only", TensorData.f32(new float[] {4f}, 1)), Map.of());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Set.of("only"), f.names());
            assertArrayEquals(new float[] {4f}, f.floats("only"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("sample.safetensors"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
    }

    @Test
    void aFailedWriteLeavesNeitherTheTargetNorATemporaryFile() throws IOException {
        Path file = dir.resolve("never.safetensors");
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(file,
                Map.of("__metadata__", TensorData.f32(new float[] {1f}, 1)), Map.of()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        Path file = writeSample();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.float32("nope"));
            assertEquals(file + ": tensor nope not found", e.getMessage());
        }
    }

    @Test
    void readingAfterCloseIsRefused() throws IOException {
        SafetensorsFile f = SafetensorsFile.open(writeSample());
        f.close();
        assertThrows(IllegalStateException.class, () -> f.float32("z.f32"));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
