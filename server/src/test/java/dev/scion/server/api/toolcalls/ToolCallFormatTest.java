package dev.scion.server.api.toolcalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.text.Tokenizer;
import dev.scion.server.config.ConfigException;
import dev.scion.server.config.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** --tool-call-parser: the names it takes, and what auto picks for real tokenizers. */
class ToolCallFormatTest {
    private static final Path QWEN3 = Path.of("../engine/src/test/resources/fixtures/qwen3-tokenizer/tokenizer.json");

    @Test
    void autoPicksHermesForQwenFromItsToolCallToken() {
        try (Tokenizer qwen = Tokenizer.load(QWEN3)) {
            assertTrue(qwen.tokenId("<tool_call>") != null, "the fixture has the marker token");
            assertEquals(ToolCallFormat.HERMES, ToolCallFormat.forSetting("auto", qwen));
            assertEquals(ToolCallFormat.MISTRAL, ToolCallFormat.forSetting("mistral", qwen), "the setting wins");
        }
    }

    @Test
    void autoFallsBackToHermesWithoutMarkerTokens() {
        assertEquals(ToolCallFormat.HERMES, ToolCallFormat.forSetting("auto", null));
    }

    @Test
    void everyNameIsAccepted() {
        for (ToolCallFormat format : ToolCallFormat.values()) {
            assertEquals(format, ToolCallFormat.forSetting(format.settingName().toUpperCase(), null));
            assertEquals(format.settingName(), ServerConfig.builder().toolCallParser(" " + format.settingName())
                    .build().toolCallParser());
        }
        assertEquals("auto", ServerConfig.defaults().toolCallParser());
    }

    @Test
    void anUnknownParserIsRefusedAtStart() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfig.builder().toolCallParser("xml").build());
        assertTrue(e.getMessage().contains("tool-call-parser"), e.getMessage());
        assertTrue(e.getMessage().contains("hermes, llama3_json, mistral or none"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ToolCallFormat.forSetting("pythonic", null));
    }
}
