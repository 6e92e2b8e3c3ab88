package dev.scion.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the optional YAML file of serve settings ({@link ServeSettings}): one mapping, keys named as the long flags
 * without dashes ({@code port: 8080}, {@code max-batch: 16}, {@code api-key: [k1, k2]}). Streams the top level token
 * by token so every error can name the file and the line of the offending key; a null value leaves the setting
 * unset.
 */
final class YamlConfigFile {
    // A configuration file is a few hundred bytes; anything far larger is a wrong path, not a config.
    static final long MAX_FILE_BYTES = 1 << 20;

    private static final YAMLMapper MAPPER = new YAMLMapper();

    private YamlConfigFile() {}

    static Map<ServeSetting<?>, Setting<?>> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config", "config file " + file + ": no such file");
        }
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException("config", "config file " + file + ": larger than 1 MiB, not a config file");
            }
            try (JsonParser parser = MAPPER.createParser(file.toFile())) {
                return readMapping(parser, file);
            }
        } catch (JsonProcessingException e) {
            throw malformed(file, e);
        } catch (IOException e) {
            throw new ConfigException("config", "config file " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    private static Map<ServeSetting<?>, Setting<?>> readMapping(JsonParser parser, Path file) throws IOException {
        Map<ServeSetting<?>, Setting<?>> settings = new LinkedHashMap<>();
        JsonToken token = parser.nextToken();
        if (token == null) {
            return settings; // an empty file sets nothing
        }
        if (token != JsonToken.START_OBJECT) {
            throw new ConfigException("config", "config file " + file + lineOf(parser.currentTokenLocation())
                    + ": expected a mapping of option names to values (e.g. port: 8080)");
        }
        Set<String> seen = new HashSet<>();
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            String where = file + lineOf(parser.currentTokenLocation());
            ServeSetting<?> setting = ServeSettings.byKey(name);
            if (setting == null) {
                throw new ConfigException(null, "config file " + where + ": unknown key '" + name + "'"
                        + suggestion(name) + "; known keys: " + String.join(", ", ServeSettings.allKeys()));
            }
            if (!seen.add(name)) {
                throw new ConfigException(name, "config file " + where + ": key '" + name + "' appears twice");
            }
            parser.nextToken();
            JsonNode value = parser.readValueAsTree();
            if (value == null || value.isNull()) {
                continue;
            }
            try {
                settings.put(setting, fromYaml(setting, value, name + ": in " + where));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, "config file " + where + ": key '" + name + "': " + e.getMessage(), e);
            }
        }
        if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
            throw new ConfigException("config", "config file " + file + lineOf(parser.currentTokenLocation())
                    + ": expected a single mapping of options, found more after it");
        }
        return settings;
    }

    private static <T> Setting<T> fromYaml(ServeSetting<T> setting, JsonNode value, String source) {
        return new Setting<>(setting, setting.kind().fromYaml(value), source);
    }

    // SnakeYAML's own message spans several lines with a caret drawing; its problem and mark say the same in one.
    private static ConfigException malformed(Path file, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null && m.getProblem() != null) {
            return new ConfigException("config", "config file " + file + " line " + (m.getProblemMark().getLine() + 1)
                    + ": malformed YAML: " + m.getProblem(), e);
        }
        return new ConfigException("config", "config file " + file + lineOf(e.getLocation())
                + ": malformed YAML: " + e.getOriginalMessage().strip(), e);
    }

    /** Points a near miss (max_batch, maxBatch, Port) at the key it was meant to be. */
    private static String suggestion(String name) {
        String kebab = name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('_', '-').toLowerCase(Locale.ROOT);
        ServeSetting<?> near = ServeSettings.byKey(kebab);
        if (near != null) {
            return " (did you mean '" + near.key() + "'?)";
        }
        return name.equals("config") ? " (a config file cannot name another config file)" : "";
    }

    private static String lineOf(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : " line " + location.getLineNr();
    }
}
