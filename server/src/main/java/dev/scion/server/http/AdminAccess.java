package dev.scion.server.http;

import dev.scion.server.config.ServerConfig;

/**
 * The one admin-key rule, shared by the adapter pool's changes and the fine-tuning endpoints: without
 * {@code --admin-key} they are off (never open), and otherwise the request must present that key. As HTTP and
 * OpenAI have it, missing or unknown credentials are a 401; a 403 is for a valid key without the right (an inference
 * key on an admin endpoint).
 */
final class AdminAccess {
    private AdminAccess() {}

    /** Null when {@code given} is the admin key; else the 401 or 403 to answer. */
    static ApiException refusal(ServerConfig config, BearerKey given) {
        if (config.adminKey() == null) {
            return ApiException.forbidden(
                    "Admin endpoints are off: start the server with --admin-key to enable them.", "admin_disabled");
        }
        if (given.matches(config.adminKey())) {
            return null;
        }
        if (config.apiKeys().stream().anyMatch(given::matches)) {
            return ApiException.forbidden(
                    "This action needs the admin key ('Authorization: Bearer ADMIN_KEY'); an inference key is not "
                            + "enough.", "admin_key_required");
        }
        return ApiException.unauthorized(given.present()
                ? "Incorrect API key provided. This action needs the admin key ('Authorization: Bearer ADMIN_KEY')."
                : "You didn't provide an API key. This action needs the admin key ('Authorization: Bearer ADMIN_KEY').");
    }
}
