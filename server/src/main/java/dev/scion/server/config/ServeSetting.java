package dev.scion.server.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One setting of {@code scion serve}, declared once (in {@link ServeSettings}): its name, from which the flag
 * ({@code --max-batch}), the environment variable ({@code SCION_MAX_BATCH}) and the YAML key ({@code max-batch:})
 * all follow; how its value is written; its default; what values it accepts; its help; and which part of
 * {@link ServerConfig} holds it.
 *
 * @param key the YAML key, and the flag without its dashes
 * @param kind how a value is written (text, YAML) and shown
 * @param defaultValue the value when no source sets it; null when unset means something of its own ("no key")
 * @param defaultText what the help says the default is: the value as a flag takes it, or what unset means
 * @param paramLabel how the help names the flag's argument (N, DIR, SIZE)
 * @param check what values the setting accepts, on its own (rules between settings are {@link ServerConfig}'s)
 * @param help what the setting does, for {@code scion serve --help}; the default and variable are added to it
 * @param read where a {@link ServerConfig} holds the value
 * @param <T> the type the server reads
 */
record ServeSetting<T>(String key, SettingKind<T> kind, T defaultValue, String defaultText, String paramLabel,
        Check<T> check, String help, Function<ServerConfig, T> read) {

    /**
     * What a setting accepts on its own.
     *
     * @param <T> the setting's type
     */
    @FunctionalInterface
    interface Check<T> {
        /**
         * The value as the server uses it, possibly in a normal form (" GPU:1 " is gpu:1, a list an immutable copy).
         *
         * @throws IllegalArgumentException whose message says what is wrong, phrased to follow the flag ("must be
         *     between 1 and 4096, got 0")
         */
        T accept(T value);
    }

    /** The same setting, its default described in words ("none, no authentication") rather than shown. */
    ServeSetting<T> defaultShownAs(String text) {
        return new ServeSetting<>(key, kind, defaultValue, text, paramLabel, check, help, read);
    }

    String flag() {
        return "--" + key;
    }

    String envVar() {
        return envVar(key);
    }

    static String envVar(String key) {
        return "SCION_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The help as {@code --help} shows it: what it does, its default, its environment variable. */
    String usage() {
        return help + " Default: " + defaultText + ". Env: " + envVar() + ".";
    }

    /**
     * The value checked and normalised.
     *
     * @throws ConfigException naming the flag, e.g. "--max-batch must be between 1 and 4096, got 0"
     */
    T accept(T value) {
        try {
            return check.accept(value);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(key, e.getMessage());
        }
    }
}
