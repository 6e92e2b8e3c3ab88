package dev.scion.server.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of {@code scion serve}, for use as a picocli {@code @Mixin}: {@code --config}, and one flag made from
 * each declaration in {@link ServeSettings}, with its help, default and variable. No flag has a picocli default: an
 * unset flag stays null so that {@link #resolve} can fall back, per setting, to the environment, then the YAML file,
 * then the declared default. Every flag takes text and is read by its setting's {@link SettingKind}, so "60s" and
 * "8m" (and " 8000") mean the same on the command line as in the environment and the file.
 */
public final class ServeOptions {
    static final String CONFIG_ENV = ServeSetting.envVar("config");

    @Option(names = "--config", paramLabel = "FILE", order = 0,
            description = "YAML file of options, keys named as these flags without dashes (port: 8080, max-batch: 16). "
                    + "Precedence: command line > environment (SCION_PORT, SCION_MAX_BATCH...) > this file > default. "
                    + "Env: SCION_CONFIG.")
    Path config;

    /** Each setting's flag, in the command this mixin is part of. */
    private final Map<ServeSetting<?>, OptionSpec> flags = new LinkedHashMap<>();

    /** Called by picocli as it builds the command: adds a flag for every setting. */
    @Spec(Spec.Target.MIXEE)
    void addFlags(CommandSpec command) {
        flags.clear();
        for (ServeSetting<?> setting : ServeSettings.ALL) {
            OptionSpec flag = flagOf(setting, flags.size() + 1);
            command.addOption(flag);
            flags.put(setting, flag);
        }
    }

    private static OptionSpec flagOf(ServeSetting<?> setting, int order) {
        OptionSpec.Builder flag = OptionSpec.builder(setting.flag())
                .paramLabel(setting.paramLabel())
                .description(setting.usage())
                .order(order);
        if (setting.kind().repeatable()) {
            flag.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
        } else {
            flag.type(String.class);
        }
        if (setting.kind().valueOptional()) {
            flag.arity("0..1").fallbackValue("true");
        }
        return flag.build();
    }

    /** Resolves against the process environment. */
    public ServerConfig resolve() {
        return resolve(System.getenv());
    }

    /**
     * Picks each setting from the command line, else {@code env}, else the YAML file (--config or SCION_CONFIG),
     * else the default, and validates the result.
     *
     * @param env environment variables; an empty value counts as unset
     * @throws ConfigException naming the setting and where its bad value came from
     */
    public ServerConfig resolve(Map<String, String> env) {
        Path file = config;
        if (file == null && present(env.get(CONFIG_ENV))) {
            file = Path.of(env.get(CONFIG_ENV).strip());
        }
        Map<ServeSetting<?>, Setting<?>> chosen = new LinkedHashMap<>();
        if (file != null) {
            chosen.putAll(YamlConfigFile.read(file));
        }
        chosen.putAll(fromEnvironment(env));
        chosen.putAll(fromCommandLine());

        ServerConfig.Builder builder = ServerConfig.builder();
        chosen.values().forEach(setting -> setting.applyTo(builder));
        try {
            return builder.build();
        } catch (ConfigException e) {
            Setting<?> culprit = e.option() == null ? null : chosen.get(ServeSettings.byKey(e.option()));
            if (culprit == null) {
                throw e;
            }
            throw new ConfigException(e.option(), e.getMessage() + " (set by " + culprit.source() + ")", e);
        }
    }

    private static Map<ServeSetting<?>, Setting<?>> fromEnvironment(Map<String, String> env) {
        Map<ServeSetting<?>, Setting<?>> settings = new LinkedHashMap<>();
        for (ServeSetting<?> setting : ServeSettings.ALL) {
            String text = env.get(setting.envVar());
            if (present(text)) {
                settings.put(setting, Setting.parse(setting, setting.envVar(), kind -> kind.fromText(text)));
            }
        }
        return settings;
    }

    private Map<ServeSetting<?>, Setting<?>> fromCommandLine() {
        Map<ServeSetting<?>, Setting<?>> settings = new LinkedHashMap<>();
        flags.forEach((setting, flag) -> {
            List<String> args = matched(flag);
            if (args != null) {
                settings.put(setting, Setting.parse(setting, setting.flag(), kind -> kind.fromFlag(args)));
            }
        });
        return settings;
    }

    /** What the flag was given, null when it was not: its argument, or a repeatable flag's items. */
    private static List<String> matched(OptionSpec flag) {
        Object value = flag.getValue();
        if (value == null) {
            return null;
        }
        // the types flagOf gave picocli: a String, or a list of them
        return value instanceof List<?> items ? items.stream().map(String.class::cast).toList()
                : List.of((String) value);
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }
}
