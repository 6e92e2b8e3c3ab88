package dev.scion.server.http;

import dev.scion.engine.generate.SequenceError;
import dev.scion.server.adapters.cache.LoadRefusedException;
import dev.scion.server.engine.QueueFullException;
import dev.scion.server.errors.ConflictException;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.NotFoundException;
import dev.scion.server.errors.ServiceException;
import dev.scion.server.errors.UnavailableException;
import dev.scion.server.storage.InsufficientStorageException;
import dev.scion.server.storage.StorageErrors;
import org.slf4j.Logger;

/**
 * The one place where what went wrong becomes its HTTP answer: the status, OpenAI's error type, and whether the
 * answer says Retry-After. The services throw what happened ({@link ServiceException}s, a full queue, a refused
 * load, want of space) and know nothing of HTTP; every router answers their failures through here. Refusals that
 * only HTTP has (a missing or wrong key, a body over its limit or too slow, an unknown URL or method) are made as
 * {@link ApiException}s where they happen, and pass through unchanged.
 */
final class HttpFailures {
    private HttpFailures() {}

    /** The answer to a refusal the services named; the message, param and code are theirs, unchanged. */
    static ApiException answer(ServiceException e) {
        if (e instanceof InvalidRequestException) {
            return ApiException.invalidRequest(e.getMessage(), e.param(), e.code());
        }
        if (e instanceof NotFoundException) {
            return ApiException.notFound(e.getMessage(), e.param(), e.code());
        }
        if (e instanceof ConflictException) {
            return ApiException.conflict(e.getMessage(), e.param(), e.code());
        }
        if (e instanceof UnavailableException) {
            return ApiException.unavailable(e.getMessage());
        }
        throw new IllegalStateException("no HTTP answer for " + e.getClass().getName()); // a new kind unmapped
    }

    /**
     * The answer to any failure: an answer already made, a named refusal, a full queue (429), a refused adapter load
     * (503), want of space (507); anything else is unexpected: logged here, and a 500 that says nothing of it.
     *
     * @param what what failed, for the log line of an unexpected failure (the client sees only a 500)
     */
    static ApiException answer(Throwable e, Logger log, String what) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof ServiceException refused) {
            return answer(refused);
        }
        if (e instanceof QueueFullException) {
            return ApiException.rateLimited(e.getMessage());
        }
        if (e instanceof LoadRefusedException refused) {
            return ApiException.busy(refused.threads() < 0
                    ? "The server is loading as many adapters as it may; retry later."
                    : "The server is loading as many adapters as it may (" + refused.threads()
                            + " at once, --adapter-load-threads, and " + refused.queue()
                            + " waiting, --adapter-load-queue); retry later.");
        }
        InsufficientStorageException storage = StorageErrors.refusal(e);
        if (storage != null) {
            return ApiException.insufficientStorage(storage.getMessage());
        }
        log.error("{} failed", what, e);
        return ApiException.internal();
    }

    /** A sequence the engine ended with an error: non-finite logits say so; any other failure stays in the log. */
    static ApiException answer(SequenceError error) {
        return error.blamesAdapter() ? ApiException.nonFiniteLogits(error.message()) : ApiException.internal();
    }
}
