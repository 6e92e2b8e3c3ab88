package dev.scion.engine.lora;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes PEFT's {@code adapter_config.json}. Options that would change what the adapter
 * computes and that Scion does not implement are refused rather than silently ignored.
 */
final class PeftConfigJson {

    static final String FILE_NAME = "adapter_config.json";

    /** PEFT's shorthand for every linear layer but the output head: here, the seven projections. */
    private static final String ALL_LINEAR = "all-linear";

    static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private PeftConfigJson() {}

    static PeftConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ModelFormatException(file + ": invalid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object");
        }
        refuseUnsupported(file, root);
        int r = positiveInt(file, root, "r");
        double alpha = root.hasNonNull("lora_alpha") ? number(file, root.get("lora_alpha"), "lora_alpha") : 8.0;
        List<String> modules = new ArrayList<>();
        String regex = targetModules(file, root.get("target_modules"), modules);
        try {
            return new PeftConfig(r, alpha, bool(file, root, "use_rslora", false), modules, regex,
                    rankPattern(file, root.get("rank_pattern")), alphaPattern(file, root.get("alpha_pattern")),
                    layers(file, root.get("layers_to_transform")), text(root.get("base_model_name_or_path")));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage());
        }
    }

    private static void refuseUnsupported(Path file, JsonNode root) {
        String peftType = text(root.get("peft_type"));
        if (peftType != null && !peftType.equals("LORA")) {
            throw new ModelFormatException(file + ": peft_type " + peftType + " is not supported; only LORA");
        }
        String bias = root.hasNonNull("bias") ? root.get("bias").asText() : "none";
        if (!bias.equals("none")) {
            throw new ModelFormatException(file + ": bias \"" + bias + "\" is not supported; Scion serves only the"
                    + " LoRA deltas, so bias must be \"none\"");
        }
        if (bool(file, root, "fan_in_fan_out", false)) {
            throw new ModelFormatException(file + ": fan_in_fan_out must be false (it is for GPT-2 Conv1D layers)");
        }
        JsonNode saved = root.get("modules_to_save");
        if (saved != null && !saved.isNull() && !(saved.isArray() && saved.isEmpty())) {
            throw new ModelFormatException(file + ": modules_to_save " + saved + " is not supported; Scion serves only"
                    + " the LoRA deltas, not fully trained copies of modules");
        }
        for (String flag : new String[] {"use_dora", "lora_bias"}) {
            if (bool(file, root, flag, false)) {
                throw new ModelFormatException(file + ": " + flag + " is not supported");
            }
        }
        for (String field : new String[] {"exclude_modules", "target_parameters", "layer_replication"}) {
            JsonNode v = root.get(field);
            if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                throw new ModelFormatException(file + ": " + field + " is not supported, got " + v);
            }
        }
        JsonNode pattern = root.get("layers_pattern");
        boolean defaultPattern = pattern == null || pattern.isNull() || pattern.asText().equals("layers")
                || (pattern.isArray() && pattern.size() == 1 && pattern.get(0).asText().equals("layers"));
        if (!defaultPattern) {
            throw new ModelFormatException(file + ": layers_pattern " + pattern + " is not supported; decoder layers"
                    + " are model.layers.N");
        }
    }

    /** Fills {@code modules} for the list form and returns null, or returns the regex of the string form. */
    private static String targetModules(Path file, JsonNode node, List<String> modules) {
        if (node == null || node.isNull()) {
            throw new ModelFormatException(file + ": target_modules is missing");
        }
        if (node.isTextual()) {
            if (node.asText().equalsIgnoreCase(ALL_LINEAR)) {
                for (Projection p : Projection.values()) {
                    modules.add(p.module());
                }
                return null;
            }
            return node.asText();
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new ModelFormatException(file + ": target_modules must be a non-empty list of module names or a"
                    + " regex string, got " + node);
        }
        for (JsonNode m : node) {
            if (!m.isTextual() || m.asText().isEmpty()) {
                throw new ModelFormatException(file + ": target_modules entries must be module names, got " + m);
            }
            modules.add(m.asText());
        }
        return null;
    }

    private static Map<String, Integer> rankPattern(Path file, JsonNode node) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(file, node, "rank_pattern")) {
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
                throw new ModelFormatException(file + ": rank_pattern." + e.getKey()
                        + " must be a positive integer, got " + v);
            }
            out.put(e.getKey(), v.asInt());
        }
        return out;
    }

    private static Map<String, Double> alphaPattern(Path file, JsonNode node) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(file, node, "alpha_pattern")) {
            out.put(e.getKey(), number(file, e.getValue(), "alpha_pattern." + e.getKey()));
        }
        return out;
    }

    private static List<Map.Entry<String, JsonNode>> entries(Path file, JsonNode node, String field) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new ModelFormatException(file + ": " + field + " must be an object, got " + node);
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        it.forEachRemaining(out::add);
        return out;
    }

    private static List<Integer> layers(Path file, JsonNode node) {
        List<Integer> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isIntegralNumber() && node.canConvertToInt() && node.asInt() >= 0) {
            out.add(node.asInt());
            return out;
        }
        if (node.isArray()) {
            for (JsonNode v : node) {
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                    throw new ModelFormatException(file + ": layers_to_transform entries must be layer indices, got " + v);
                }
                out.add(v.asInt());
            }
            return out;
        }
        throw new ModelFormatException(file + ": layers_to_transform must be a layer index or a list of them, got "
                + node);
    }

    private static int positiveInt(Path file, JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new ModelFormatException(file + ": " + field + " must be a positive integer, got " + v);
        }
        return v.asInt();
    }

    private static double number(Path file, JsonNode v, String field) {
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new ModelFormatException(file + ": " + field + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static boolean bool(Path file, JsonNode root, String field, boolean dflt) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ModelFormatException(file + ": " + field + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The JSON PEFT's {@code LoraConfig.from_pretrained} reads back to the same configuration. */
    static ObjectNode toJson(PeftConfig c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("peft_type", "LORA");
        root.put("task_type", "CAUSAL_LM");
        root.put("base_model_name_or_path", c.baseModelNameOrPath());
        root.put("r", c.r());
        root.put("lora_alpha", c.loraAlpha());
        if (c.targetModulesRegex() != null) {
            root.put("target_modules", c.targetModulesRegex());
        } else {
            c.targetModules().forEach(root.putArray("target_modules")::add);
        }
        root.put("use_rslora", c.useRslora());
        root.put("bias", "none");
        root.put("fan_in_fan_out", false);
        root.put("lora_dropout", 0.0);
        root.putNull("modules_to_save");
        ObjectNode ranks = root.putObject("rank_pattern");
        c.rankPattern().forEach(ranks::put);
        ObjectNode alphas = root.putObject("alpha_pattern");
        c.alphaPattern().forEach(alphas::put);
        if (c.layersToTransform().isEmpty()) {
            root.putNull("layers_to_transform");
        } else {
            c.layersToTransform().forEach(root.putArray("layers_to_transform")::add);
        }
        root.putNull("layers_pattern");
        root.put("use_dora", false);
        root.put("init_lora_weights", true);
        root.put("inference_mode", true);
        return root;
    }
}
