package dev.scion.server.http;

import dev.scion.server.api.ApiException;
import dev.scion.server.config.ServerConfig;

/**
 * The one admin-key rule, shared by the adapter pool's changes and the fine-tuning endpoints: without
 * {@code --admin-key} they are off (never open), and otherwise the request must present that key.
 */
final class AdminAccess {
    private AdminAccess() {}

    /** Null when {@code given} is the admin key; else the 403 to answer. */
    static ApiException refusal(ServerConfig config, BearerKey given) {
        if (config.adminKey() == null) {
            return new ApiException(403, "invalid_request_error",
                    "Admin endpoints are off: start the server with --admin-key to enable them.", null, "admin_disabled");
        }
        if (!given.matches(config.adminKey())) {
            return new ApiException(403, "invalid_request_error",
                    "This action needs the admin key ('Authorization: Bearer ADMIN_KEY').", null, "admin_key_required");
        }
        return null;
    }
}
