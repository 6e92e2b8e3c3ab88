package dev.scion.engine.weights;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsMalformedTest {

    @TempDir
    Path dir;

    private static final byte[] EIGHT_FLOATS = new byte[32];

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                Arguments.of("not JSON", "{\"w\": {\"dtype\": \"F32\",", new String[] {"not valid JSON"}),
                Arguments.of("not an object", "[1, 2]", new String[] {"must be a JSON object"}),
                Arguments.of("duplicate tensor", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new String[] {"not valid JSON", "w"}),
                Arguments.of("entry not an object", "{\"w\": 3}", new String[] {"tensor w:", "must be an object"}),
                Arguments.of("unsupported dtype", "{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                        new String[] {"tensor w:", "unsupported dtype I64", "F32, F16, BF16"}),
                Arguments.of("missing dtype", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}",
                        new String[] {"tensor w:", "dtype must be a string"}),
                Arguments.of("shape not a list", "{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}",
                        new String[] {"tensor w:", "shape must be a list of non-negative integers"}),
                Arguments.of("negative dimension", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
                        new String[] {"tensor w:", "shape must be a list of non-negative integers"}),
                Arguments.of("fractional dimension", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}",
                        new String[] {"tensor w:", "shape must be a list"}),
                Arguments.of("overflowing shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                        + "\"data_offsets\":[0,8]}}", new String[] {"tensor w:", "overflows"}),
                Arguments.of("offsets not a pair", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}",
                        new String[] {"tensor w:", "data_offsets must be [begin, end]"}),
                Arguments.of("offsets not integers", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":\"0-8\"}}",
                        new String[] {"tensor w:", "data_offsets must be [begin, end]"}),
                Arguments.of("begin after end", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}",
                        new String[] {"tensor w:", "begin 8 is after end 0"}),
                Arguments.of("length disagrees with shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
                        new String[] {"tensor w:", "span 8 bytes", "needs 12"}),
                Arguments.of("half length disagrees with shape", "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,16]}}",
                        new String[] {"tensor w:", "span 16 bytes", "needs 8"}),
                Arguments.of("data beyond the end", "{\"w\":{\"dtype\":\"F32\",\"shape\":[16],\"data_offsets\":[0,64]}}",
                        new String[] {"tensor w:", "truncated"}),
                Arguments.of("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        new String[] {"tensor b overlaps tensor a"}),
                Arguments.of("metadata not strings", "{\"__metadata__\":{\"format\":3}}",
                        new String[] {"__metadata__.format must be a string"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void malformedHeadersAreRefusedNamingFileAndTensor(String what, String header, String[] expected) throws IOException {
        Path file = RawSafetensors.write(dir.resolve("bad.safetensors"), header, EIGHT_FLOATS);
        assertRefused(file, expected);
    }

    @Test
    void aFileShorterThanTheLengthFieldIsTruncated() throws IOException {
        Path file = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertRefused(file, "truncated", "3 bytes");
    }

    @Test
    void aHeaderLengthBeyondTheFileIsTruncated() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        Path file = RawSafetensors.write(dir.resolve("cut.safetensors"), 4096, header, new byte[0]);
        assertRefused(file, "truncated", "header length 4096");
    }

    @Test
    void anAbsurdHeaderLengthIsRefusedBeforeAllocating() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        Path file = RawSafetensors.write(dir.resolve("huge.safetensors"), 200L * 1024 * 1024 * 1024, header, new byte[0]);
        assertRefused(file, "header length 214748364800 is absurd");
        Path negative = RawSafetensors.write(dir.resolve("neg.safetensors"), -1, header, new byte[0]);
        assertRefused(negative, "header length 18446744073709551615 is absurd");
    }

    @Test
    void aValidFileCutShortIsTruncated() throws IOException {
        Path full = dir.resolve("full.safetensors");
        SafetensorsWriter.write(full, java.util.Map.of("w", TensorData.f32(new float[64], 8, 8)), java.util.Map.of());
        byte[] bytes = Files.readAllBytes(full);
        Path cut = Files.write(dir.resolve("cut.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertRefused(cut, "tensor w:", "truncated");
    }

    @Test
    void bytesAfterTheLastTensorAreRefused() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("tail.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[12]);
        assertRefused(file, "4 trailing bytes", "allows none");
        Path metadataOnly = RawSafetensors.write(dir.resolve("meta.safetensors"),
                "{\"__metadata__\":{\"format\":\"pt\"}}", new byte[5]);
        assertRefused(metadataOnly, "5 trailing bytes");
    }

    @Test
    void holesInTheDataSectionAreRefused() throws IOException {
        Path between = RawSafetensors.write(dir.resolve("between.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", new byte[20]);
        assertRefused(between, "the 4 bytes before tensor b (data offset 8)", "no holes");
        Path first = RawSafetensors.write(dir.resolve("first.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertRefused(first, "the 4 bytes before tensor a (data offset 0)");
    }

    @Test
    void tensorsBackToBackAreAcceptedWhateverTheirOrderInTheHeader() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("ok.safetensors"),
                "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                        + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[16,16]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[16]);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertTrue(f.names().containsAll(java.util.List.of("a", "b", "empty")));
        }
    }

    private static void assertRefused(Path file, String... expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file.toString()), "message names the file: " + e.getMessage());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "message should contain \"" + part + "\": " + e.getMessage());
        }
    }
}
