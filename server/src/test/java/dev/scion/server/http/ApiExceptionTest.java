package dev.scion.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ApiExceptionTest {

    @Test
    void statusTypeParamAndCodeFollowOpenAi() {
        check(ApiException.invalidRequest("bad n", "n"), 400, "invalid_request_error", "n", null);
        check(ApiException.invalidRequest("too long", "messages", "context_length_exceeded"), 400,
                "invalid_request_error", "messages", "context_length_exceeded");
        check(ApiException.unauthorized("Incorrect API key provided"), 401, "invalid_request_error", null,
                "invalid_api_key");
        check(ApiException.forbidden("needs the admin key", "admin_key_required"), 403, "invalid_request_error", null,
                "admin_key_required");
        check(ApiException.notFound("no model", "model", "model_not_found"), 404, "invalid_request_error", "model",
                "model_not_found");
        check(ApiException.notFound("no route", null, null), 404, "invalid_request_error", null, null);
        check(ApiException.methodNotAllowed("GET is not allowed"), 405, "invalid_request_error", null, null);
        check(ApiException.requestTimeout("too slow"), 408, "invalid_request_error", null, null);
        check(ApiException.conflict("in use", "file_id", "file_in_use"), 409, "invalid_request_error", "file_id",
                "file_in_use");
        check(ApiException.payloadTooLarge("over 1 MiB"), 413, "invalid_request_error", null, null);
        check(ApiException.rateLimited("queue full"), 429, "requests", null, "rate_limit_exceeded");
        check(ApiException.unavailable("loading"), 503, "server_error", null, null);
        check(ApiException.busy("bodies full"), 503, "server_error", null, null);
        check(ApiException.insufficientStorage("disk full"), 507, "server_error", null, "insufficient_storage");
        check(ApiException.internal(), 500, "server_error", null, null);
        check(ApiException.nonFiniteLogits("NaN"), 500, "server_error", null, "non_finite_logits");
    }

    @Test
    void onlyWhatMayBeRetriedAtOnceSaysRetryAfter() {
        assertEquals(1, ApiException.rateLimited("queue full").retryAfterSeconds());
        assertEquals(1, ApiException.busy("bodies full").retryAfterSeconds());
        assertEquals(0, ApiException.unavailable("shutting down").retryAfterSeconds());
        assertEquals(0, ApiException.invalidRequest("bad", null).retryAfterSeconds());
        assertEquals(0, ApiException.insufficientStorage("full").retryAfterSeconds());
    }

    @Test
    void theErrorJsonHasAllFourKeysWithNullsPresent() {
        JsonNode error = ApiException.invalidRequest("temperature must be a number", "temperature").toJson()
                .get("error");
        assertEquals("temperature must be a number", error.get("message").asText());
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("temperature", error.get("param").asText());
        assertTrue(error.has("code") && error.get("code").isNull());
        assertTrue(ApiException.unavailable("x").toJson().get("error").get("param").isNull());
    }

    @Test
    void anInternalErrorSaysNothingAboutTheServerAndCarriesNoStackTrace() {
        ApiException e = ApiException.internal();
        assertEquals(0, e.getStackTrace().length);
        assertTrue(e.getMessage().startsWith("The server had an error"), e.getMessage());
    }

    private static void check(ApiException e, int status, String type, String param, String code) {
        assertEquals(status, e.status());
        assertEquals(type, e.type());
        assertEquals(param, e.param());
        assertEquals(code, e.code());
        JsonNode error = e.toJson().get("error");
        assertEquals(type, error.get("type").asText());
        assertEquals(e.getMessage(), error.get("message").asText());
    }
}
