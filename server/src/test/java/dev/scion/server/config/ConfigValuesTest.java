package dev.scion.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValuesTest {
    @Test
    void durationsWithOneUnit() {
        assertEquals(Duration.ofMillis(500), ConfigValues.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(60), ConfigValues.parseDuration("60s"));
        assertEquals(Duration.ofMinutes(2), ConfigValues.parseDuration("2m"));
        assertEquals(Duration.ofHours(1), ConfigValues.parseDuration("1h"));
        assertEquals(Duration.ofSeconds(45), ConfigValues.parseDuration(" 45S "));
        assertEquals(Duration.ZERO, ConfigValues.parseDuration("0s"));
    }

    @Test
    void isoDurations() {
        assertEquals(Duration.ofSeconds(30), ConfigValues.parseDuration("PT30S"));
        assertEquals(Duration.ofSeconds(90), ConfigValues.parseDuration("pt1m30s"));
        assertEquals(Duration.ofMillis(1500), ConfigValues.parseDuration("PT1.5S"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"60", "", "s", "1.5s", "-5s", "5 minutes", "10d", "P", "PTXS", "99999999999999999999s"})
    void malformedDurationsAreRefusedWithExamples(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseDuration(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void hugeDurationInHoursOverflowsWithMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigValues.parseDuration("9223372036854775807h"));
        assertEquals("'9223372036854775807h' is too large a duration", e.getMessage());
    }

    @Test
    void sizesUseBinaryMultiples() {
        assertEquals(1_048_576L, ConfigValues.parseByteSize("1048576"));
        assertEquals(512L * 1024, ConfigValues.parseByteSize("512k"));
        assertEquals(8L * 1024 * 1024, ConfigValues.parseByteSize("8m"));
        assertEquals(8L * 1024 * 1024, ConfigValues.parseByteSize("8MB"));
        assertEquals(8L * 1024 * 1024, ConfigValues.parseByteSize("8MiB"));
        assertEquals(1L << 30, ConfigValues.parseByteSize("1g"));
        assertEquals(100L, ConfigValues.parseByteSize("100b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "8t", "1.5m", "-1", "8 m x", "8ib", "99999999999999999999"})
    void malformedSizesAreRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseByteSize(text));
        assertTrue(e.getMessage().startsWith("'" + text + "'"), e.getMessage());
    }

    @Test
    void sizeOverflowIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigValues.parseByteSize("9223372036854775807g"));
        assertEquals("'9223372036854775807g' is too large a size", e.getMessage());
    }

    @Test
    void intsAreWholeNumbers() {
        assertEquals(42, ConfigValues.parseInt(" 42 "));
        assertEquals("'4.2' is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseInt("4.2")).getMessage());
        assertEquals("'3000000000' is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseInt("3000000000")).getMessage());
    }

    @Test
    void durationsFormatInTheSimplestExactUnit() {
        assertEquals("2m", ConfigValues.format(Duration.ofSeconds(120)));
        assertEquals("90s", ConfigValues.format(Duration.ofSeconds(90)));
        assertEquals("2h", ConfigValues.format(Duration.ofHours(2)));
        assertEquals("1500ms", ConfigValues.format(Duration.ofMillis(1500)));
        assertEquals("0s", ConfigValues.format(Duration.ZERO));
        assertEquals("PT0.0000015S", ConfigValues.format(Duration.ofNanos(1500)));
    }
}
