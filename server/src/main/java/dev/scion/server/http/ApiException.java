package dev.scion.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The HTTP answer of a failed request: a status, the four fields of OpenAI's
 * {@code {"error": {"message", "type", "param", "code"}}}, and whether the client is told to retry
 * ({@code Retry-After}). Only the HTTP layer makes these: the services throw what happened
 * ({@code dev.scion.server.errors}) and {@link HttpFailures} turns it into one. Thrown as control flow inside the
 * routers, so no stack trace is captured; the message is meant for the client and must never carry internal details.
 */
public final class ApiException extends RuntimeException {

    static final String INVALID_REQUEST = "invalid_request_error";
    static final String SERVER_ERROR = "server_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final int retryAfterSeconds;

    public ApiException(int status, String type, String message, String param, String code) {
        this(status, type, message, param, code, 0);
    }

    private ApiException(int status, String type, String message, String param, String code, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: a wrong type, a value out of range, a missing field; {@code param} names the field. */
    public static ApiException invalidRequest(String message, String param) {
        return invalidRequest(message, param, null);
    }

    public static ApiException invalidRequest(String message, String param, String code) {
        return new ApiException(400, INVALID_REQUEST, message, param, code);
    }

    /** 401 as OpenAI answers a missing or wrong key. */
    public static ApiException unauthorized(String message) {
        return new ApiException(401, INVALID_REQUEST, message, null, "invalid_api_key");
    }

    /** 403: a valid key without the right, or a feature that is off. */
    public static ApiException forbidden(String message, String code) {
        return new ApiException(403, INVALID_REQUEST, message, null, code);
    }

    /** 404; for an unknown model, param "model" and code "model_not_found". */
    public static ApiException notFound(String message, String param, String code) {
        return new ApiException(404, INVALID_REQUEST, message, param, code);
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, INVALID_REQUEST, message, null, null);
    }

    /** 408: the request (its body) did not arrive in time; the connection is closed after the answer. */
    public static ApiException requestTimeout(String message) {
        return new ApiException(408, INVALID_REQUEST, message, null, null);
    }

    /** 409: the request clashes with the state of what it names. */
    public static ApiException conflict(String message, String param, String code) {
        return new ApiException(409, INVALID_REQUEST, message, param, code);
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, INVALID_REQUEST, message, null, null);
    }

    /** 429 with OpenAI's type and code for rate limits, and {@code Retry-After: 1}. */
    public static ApiException rateLimited(String message) {
        return new ApiException(429, "requests", message, null, "rate_limit_exceeded", 1);
    }

    /** 503 without Retry-After: the server cannot take it now (shutting down, a full queue seen by a probe). */
    public static ApiException unavailable(String message) {
        return new ApiException(503, SERVER_ERROR, message, null, null);
    }

    /** 503 with {@code Retry-After: 1}: a bounded resource is taken for the moment; the same request may succeed. */
    public static ApiException busy(String message) {
        return new ApiException(503, SERVER_ERROR, message, null, null, 1);
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

    /** The seconds of the answer's {@code Retry-After} header; 0 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
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
