package dev.scion.server.config;

import java.util.function.Function;

/**
 * One setting's chosen value and where it was written, so an error can point at the place to fix.
 *
 * @param setting which setting
 * @param value its value, read but not yet checked
 * @param source e.g. "--port", "SCION_PORT", or "port: in /etc/scion.yaml line 3"
 * @param <T> the setting's type
 */
record Setting<T>(ServeSetting<T> setting, T value, String source) {

    /**
     * Reads text written at {@code source} (a flag, an environment variable).
     *
     * @throws ConfigException naming the source, e.g. "SCION_PORT: 'http' is not a whole number"
     */
    static <T> Setting<T> parse(ServeSetting<T> setting, String source, Function<SettingKind<T>, T> read) {
        try {
            return new Setting<>(setting, read.apply(setting.kind()), source);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting.key(), source + ": " + e.getMessage(), e);
        }
    }

    void applyTo(ServerConfig.Builder builder) {
        builder.set(setting, value);
    }
}
