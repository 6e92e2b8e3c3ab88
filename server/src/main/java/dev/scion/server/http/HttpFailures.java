package dev.scion.server.http;

import dev.scion.server.api.ApiException;
import dev.scion.server.storage.StorageErrors;
import org.slf4j.Logger;

/** How a failure of blocking work becomes its answer: its own ApiException, a 507 for want of space, else a 500. */
final class HttpFailures {
    private HttpFailures() {}

    /** @param what what failed, for the log line of an unexpected failure (the client sees only a 500) */
    static ApiException apiError(Throwable e, Logger log, String what) {
        if (e instanceof ApiException api) {
            return api;
        }
        ApiException storage = StorageErrors.of(e);
        if (storage != null) {
            return storage;
        }
        log.error("{} failed", what, e);
        return ApiException.internal();
    }
}
