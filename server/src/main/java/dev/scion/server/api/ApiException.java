package dev.scion.server.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request that ends in an OpenAI-shaped error: an HTTP status plus the four fields of OpenAI's
 * {@code {"error": {"message", "type", "param", "code"}}}. Client errors are expected control flow, so no stack
 * trace is captured; the message is meant for the client and must never carry internal details.
 */
public final class ApiException extends RuntimeException {

    static final String INVALID_REQUEST = "invalid_request_error";
    static final String SERVER_ERROR = "server_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String message, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: a wrong type, a value out of range, a missing field; {@code param} names the field. */
    public static ApiException invalidRequest(String message, String param) {
        return new ApiException(400, INVALID_REQUEST, message, param, null);
    }

    /** 400 with OpenAI's code for a prompt (or prompt plus max_tokens) longer than the context. */
    public static ApiException contextLengthExceeded(String message, String param) {
        return new ApiException(400, INVALID_REQUEST, message, param, "context_length_exceeded");
    }

    /** 401 as OpenAI answers a missing or wrong key. */
    public static ApiException unauthorized(String message) {
        return new ApiException(401, INVALID_REQUEST, message, null, "invalid_api_key");
    }

    /** 404; for an unknown model use param "model" and code "model_not_found". */
    public static ApiException notFound(String message, String param, String code) {
        return new ApiException(404, INVALID_REQUEST, message, param, code);
    }

    public static ApiException modelNotFound(String model) {
        return notFound("The model '" + model + "' does not exist", "model", "model_not_found");
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, INVALID_REQUEST, message, null, null);
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, INVALID_REQUEST, message, null, null);
    }

    /** 408: the request (its body) did not arrive in time; the connection is closed after the answer. */
    public static ApiException requestTimeout(String message) {
        return new ApiException(408, INVALID_REQUEST, message, null, null);
    }

    /** 429 with OpenAI's type and code for rate limits; the HTTP layer adds Retry-After. */
    public static ApiException rateLimited(String message) {
        return new ApiException(429, "requests", message, null, "rate_limit_exceeded");
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, SERVER_ERROR, message, null, null);
    }

    /**
     * 507 {@code insufficient_storage}: an upload or load that the disk cannot hold (full, or it would leave less
     * than {@code --min-free-disk}) or that would exceed {@code --files-quota}; nothing is stored.
     */
    public static ApiException insufficientStorage(String message) {
        return new ApiException(507, SERVER_ERROR, message, null, "insufficient_storage");
    }

    /** 500 with OpenAI's generic wording: whatever failed stays in the server log. */
    public static ApiException internal() {
        return new ApiException(500, SERVER_ERROR,
                "The server had an error while processing your request. Sorry about that!", null, null);
    }

    /**
     * 500 for a request the model could not complete: its logits were NaN or infinite (with an adapter,
     * weights that overflow float32). The message says so; code {@code non_finite_logits}.
     */
    public static ApiException nonFiniteLogits(String message) {
        return new ApiException(500, SERVER_ERROR, message, null, "non_finite_logits");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The request field at fault, e.g. "messages[2].role", or null. */
    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** {@code {"error": {...}}} with all four keys present, null where unset, as OpenAI's schema requires. */
    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
