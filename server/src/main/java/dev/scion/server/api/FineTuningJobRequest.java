package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.training.JobSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/fine_tuning/jobs}, validated: OpenAI's fields (hyperparameters under {@code method.supervised} or
 * the deprecated top level) and Scion's {@code scion} object. Whether the model and files exist is checked by the
 * job service, which knows them; everything that can be judged from the body alone is judged here.
 *
 * @param nEpochs null for "auto"
 * @param batchSize null for "auto"
 * @param learningRateMultiplier null for "auto"
 * @param seed null: the trainer's default seed
 */
public record FineTuningJobRequest(String model, String trainingFile, String validationFile, Integer nEpochs,
        Integer batchSize, Double learningRateMultiplier, String suffix, Long seed, Map<String, String> metadata,
        JobSettings settings) {

    /** An adapter name: the suffix becomes one. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final double MAX_LR_MULTIPLIER = 100;

    public static FineTuningJobRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        String model = Fields.requiredNonEmptyString(body, "model", "model");
        String trainingFile = Fields.requiredNonEmptyString(body, "training_file", "training_file");
        String validationFile = Fields.optionalString(body, "validation_file", "validation_file");
        JsonNode hyper = hyperparameters(body);
        Integer epochs = hyper == null ? null : autoOrInt(hyper, "n_epochs", 1, 50);
        Integer batch = hyper == null ? null : autoOrInt(hyper, "batch_size", 1, 256);
        Double lr = hyper == null ? null : learningRateMultiplier(hyper);
        String suffix = Fields.optionalString(body, "suffix", "suffix");
        if (suffix != null && (!NAME.matcher(suffix).matches() || suffix.contains(".."))) {
            throw new InvalidRequestException("suffix names the adapter to publish: 1 to 64 letters, digits, '.', '_' "
                    + "or '-', starting with a letter or digit, without '..'; got '" + suffix + "'", "suffix");
        }
        Integer seed = Fields.optionalInt(body, "seed", "seed", 0, Integer.MAX_VALUE);
        JsonNode integrations = Fields.optionalArray(body, "integrations", "integrations");
        if (integrations != null && !integrations.isEmpty()) {
            throw new InvalidRequestException("integrations are not supported: Scion reports progress through the "
                    + "job's events and /metrics", "integrations");
        }
        return new FineTuningJobRequest(model, trainingFile, validationFile, epochs, batch, lr, suffix,
                seed == null ? null : seed.longValue(), metadata(body), settings(body));
    }

    /** {@code method.supervised.hyperparameters}, or the deprecated top-level {@code hyperparameters}; not both. */
    private static JsonNode hyperparameters(JsonNode body) {
        JsonNode top = Fields.optionalObject(body, "hyperparameters", "hyperparameters");
        JsonNode method = Fields.optionalObject(body, "method", "method");
        if (method == null) {
            return top;
        }
        String type = Fields.requiredString(method, "type", "method.type");
        if (!type.equals("supervised")) {
            throw new InvalidRequestException("method.type must be 'supervised' (Scion trains LoRA adapters on "
                    + "examples; dpo and reinforcement are not supported), got '" + type + "'", "method.type");
        }
        JsonNode supervised = Fields.optionalObject(method, "supervised", "method.supervised");
        JsonNode nested = supervised == null ? null
                : Fields.optionalObject(supervised, "hyperparameters", "method.supervised.hyperparameters");
        if (nested != null && top != null) {
            throw new InvalidRequestException("Send the hyperparameters once: in method.supervised.hyperparameters "
                    + "(or the deprecated top-level hyperparameters), not in both", "hyperparameters");
        }
        return nested != null ? nested : top;
    }

    private static Integer autoOrInt(JsonNode hyper, String name, int min, int max) {
        JsonNode v = Fields.value(hyper, name);
        if (v == null || (v.isTextual() && v.textValue().equals("auto"))) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw new InvalidRequestException(name + " must be \"auto\" or an integer between " + min + " and " + max
                    + ", got " + v, name);
        }
        return Fields.optionalInt(hyper, name, name, min, max);
    }

    private static Double learningRateMultiplier(JsonNode hyper) {
        String name = "learning_rate_multiplier";
        JsonNode v = Fields.value(hyper, name);
        if (v == null || (v.isTextual() && v.textValue().equals("auto"))) {
            return null;
        }
        if (!v.isNumber() || !(v.doubleValue() > 0) || v.doubleValue() > MAX_LR_MULTIPLIER) {
            throw new InvalidRequestException(name + " must be \"auto\" or a number above 0 and at most "
                    + (int) MAX_LR_MULTIPLIER + ", got " + v, name);
        }
        return v.doubleValue();
    }

    /** OpenAI's metadata: at most 16 pairs, keys up to 64 characters, string values up to 512. */
    private static Map<String, String> metadata(JsonNode body) {
        JsonNode m = Fields.optionalObject(body, "metadata", "metadata");
        if (m == null) {
            return null;
        }
        if (m.size() > 16) {
            throw new InvalidRequestException("metadata holds at most 16 pairs, got " + m.size(), "metadata");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : m.properties()) {
            String param = "metadata." + e.getKey();
            if (e.getKey().length() > 64) {
                throw new InvalidRequestException("metadata keys are at most 64 characters", "metadata");
            }
            if (!e.getValue().isTextual() || e.getValue().textValue().length() > 512) {
                throw new InvalidRequestException(param + " must be a string of at most 512 characters", param);
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static JobSettings settings(JsonNode body) {
        JsonNode s = Fields.optionalObject(body, "scion", "scion");
        if (s == null) {
            return JobSettings.DEFAULTS;
        }
        List<String> targets = null;
        JsonNode t = Fields.optionalArray(s, "targets", "scion.targets");
        if (t != null) {
            if (t.isEmpty()) {
                throw new InvalidRequestException("scion.targets must name at least one projection", "scion.targets");
            }
            targets = new ArrayList<>();
            for (int i = 0; i < t.size(); i++) {
                if (!t.get(i).isTextual()) {
                    throw new InvalidRequestException("scion.targets[" + i + "] must be a string", "scion.targets");
                }
                targets.add(t.get(i).textValue());
            }
            try {
                JobSettings.check(targets);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("scion.targets: " + e.getMessage(), "scion.targets");
            }
        }
        return new JobSettings(
                Fields.optionalInt(s, "rank", "scion.rank", 1, 512),
                positive(s, "alpha"),
                targets,
                atLeastZero(s, "replay_ratio"),
                atLeastZero(s, "ewc_lambda"),
                Fields.optionalInt(s, "canary_percent", "scion.canary_percent", 1, 99),
                share(s, "max_forgetting"),
                Fields.optionalInt(s, "save_steps", "scion.save_steps", 0, Integer.MAX_VALUE),
                Fields.optionalInt(s, "max_epochs", "scion.max_epochs", 1, 10_000),
                share(s, "target_exact_match"),
                share(s, "min_learned"));
    }

    private static Double share(JsonNode s, String name) {
        Double d = finite(s, name);
        if (d != null && (d < 0 || d > 1)) {
            throw new InvalidRequestException("scion." + name + " must be from 0 to 1, got " + d, "scion." + name);
        }
        return d;
    }

    private static Double positive(JsonNode s, String name) {
        Double d = finite(s, name);
        if (d != null && !(d > 0)) {
            throw new InvalidRequestException("scion." + name + " must be above 0, got " + d, "scion." + name);
        }
        return d;
    }

    private static Double atLeastZero(JsonNode s, String name) {
        Double d = finite(s, name);
        if (d != null && d < 0) {
            throw new InvalidRequestException("scion." + name + " must be 0 or more, got " + d, "scion." + name);
        }
        return d;
    }

    private static Double finite(JsonNode s, String name) {
        JsonNode v = Fields.value(s, name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || Math.abs(v.doubleValue()) > 1e9) {
            throw new InvalidRequestException("scion." + name + " must be a number", "scion." + name);
        }
        return v.doubleValue();
    }
}
