package dev.scion.server.config;

/**
 * A configuration value that is malformed or out of range. The message names the option and, where known, where
 * the value came from (a command-line flag, an environment variable, or a file and line), so the operator can fix it
 * without reading code.
 */
public final class ConfigException extends IllegalArgumentException {
    private final String option;

    /**
     * @param option the option's canonical name without dashes (e.g. "max-batch"), or null when the problem is not
     *     about one option (an unreadable file, say)
     */
    public ConfigException(String option, String message) {
        super(message);
        this.option = option;
    }

    public ConfigException(String option, String message, Throwable cause) {
        super(message, cause);
        this.option = option;
    }

    /** The option's canonical name ("port", "max-batch"), or null. */
    public String option() {
        return option;
    }

    /** An out-of-range or inconsistent value, phrased after the command-line flag. */
    static ConfigException invalid(String option, String problem) {
        return new ConfigException(option, "--" + option + " " + problem);
    }
}
