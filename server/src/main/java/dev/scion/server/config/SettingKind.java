package dev.scion.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How a setting's value is written, which decides its text form (a flag's argument, an environment variable), its
 * YAML form and how the help shows its default. The text rules are {@link ConfigValues}', the same for a flag and a
 * variable, so a value means one thing wherever it is written.
 *
 * @param <T> the type the server reads
 */
final class SettingKind<T> {
    static final SettingKind<Path> PATH = scalar(SettingKind::toPath,
            node -> toPath(requireText(node, "a path")), Path::toString);
    static final SettingKind<String> STRING = scalar(String::strip,
            node -> requireText(node, "a string").strip(), text -> text);
    static final SettingKind<Integer> INT = scalar(ConfigValues::parseInt, SettingKind::wholeNumber, String::valueOf);
    static final SettingKind<Double> NUMBER = scalar(ConfigValues::parseNumber, SettingKind::number, String::valueOf);
    static final SettingKind<Boolean> BOOLEAN = scalar(ConfigValues::parseBoolean, SettingKind::bool, String::valueOf);
    static final SettingKind<Duration> DURATION = scalar(ConfigValues::parseDuration,
            node -> ConfigValues.parseDuration(requireText(node, "a duration such as 60s, 2m or PT30S")),
            ConfigValues::format);
    static final SettingKind<Long> BYTE_SIZE = scalar(ConfigValues::parseByteSize, SettingKind::byteSize,
            ConfigValues::formatSize);
    /**
     * Keys and names: repeatable on the command line (or comma-separated), comma-separated in one environment
     * variable, a string or a list of strings in YAML.
     */
    static final SettingKind<List<String>> NAME_LIST = new SettingKind<>(
            text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
            SettingKind::nameList, List::copyOf, names -> names.isEmpty() ? "none" : String.join(",", names), true);

    private final Function<String, T> fromText;
    private final Function<JsonNode, T> fromYaml;
    private final Function<List<String>, T> fromFlag;
    private final Function<T, String> show;
    private final boolean repeatable;

    private SettingKind(Function<String, T> fromText, Function<JsonNode, T> fromYaml,
            Function<List<String>, T> fromFlag, Function<T, String> show, boolean repeatable) {
        this.fromText = fromText;
        this.fromYaml = fromYaml;
        this.fromFlag = fromFlag;
        this.show = show;
        this.repeatable = repeatable;
    }

    private static <T> SettingKind<T> scalar(Function<String, T> fromText, Function<JsonNode, T> fromYaml,
            Function<T, String> show) {
        return new SettingKind<>(fromText, fromYaml, args -> fromText.apply(args.get(0)), show, false);
    }

    /**
     * Reads a value written as text (an environment variable).
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    T fromText(String text) {
        return fromText.apply(text);
    }

    /**
     * Reads a flag's arguments as picocli matched them: one for a scalar, each item (split at commas) for a list.
     * A list's items are taken as written, so {@code --api-key ""} is refused as an empty key, not dropped.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    T fromFlag(List<String> args) {
        return fromFlag.apply(args);
    }

    /**
     * Reads a value from the YAML file, keeping YAML's types strict: a number where a string is expected is refused
     * instead of converted, because YAML would already have mangled it (0123 is octal, 1e3 a float).
     *
     * @throws IllegalArgumentException saying what was expected and what was found
     */
    T fromYaml(JsonNode node) {
        return fromYaml.apply(node);
    }

    /** How the help writes a value: in the form the flag takes (8m, 60s). */
    String show(T value) {
        return show.apply(value);
    }

    /** Whether the flag may be given more than once, its values adding up. */
    boolean repeatable() {
        return repeatable;
    }

    /** Whether the flag may stand alone ({@code --http2} for {@code --http2=true}). */
    boolean valueOptional() {
        return this == BOOLEAN;
    }

    private static int wholeNumber(JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw wrongType("a whole number", node);
        }
        return node.intValue();
    }

    private static double number(JsonNode node) {
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw wrongType("a number", node);
        }
        return node.doubleValue();
    }

    private static boolean bool(JsonNode node) {
        if (!node.isBoolean()) {
            throw wrongType("true or false", node);
        }
        return node.booleanValue();
    }

    private static long byteSize(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        return ConfigValues.parseByteSize(requireText(node, "a size such as 8m or 1048576"));
    }

    private static List<String> nameList(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw wrongType("a list of strings", node);
        }
        List<String> names = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw new IllegalArgumentException("item " + (i + 1) + ": expected a string, got " + describe(item)
                        + quoteHint(item));
            }
            names.add(item.textValue());
        }
        return List.copyOf(names);
    }

    private static String requireText(JsonNode node, String expected) {
        if (!node.isTextual()) {
            throw wrongType(expected, node);
        }
        return node.textValue();
    }

    private static IllegalArgumentException wrongType(String expected, JsonNode node) {
        return new IllegalArgumentException("expected " + expected + ", got " + describe(node) + quoteHint(node));
    }

    private static String quoteHint(JsonNode node) {
        return node.isNumber() || node.isBoolean() ? " (put the value in quotes if it is meant as text)" : "";
    }

    private static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "a string";
        }
        // Values are never echoed: the setting might be a key.
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "a whole number" : "a number with a fraction";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isObject() ? "a mapping" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static Path toPath(String text) {
        try {
            return Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid path: " + e.getReason());
        }
    }
}
