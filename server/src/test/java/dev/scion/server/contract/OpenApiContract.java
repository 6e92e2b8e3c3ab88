package dev.scion.server.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.filter.Filter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scion's HTTP contract, {@code api-spec/openapi.yaml} (the classpath resource {@code scion/openapi.yaml}), as
 * test assertions: every request and response a test makes can be checked against it, so the server and the spec
 * cannot drift apart.
 *
 * <p>The validator is swagger-request-validator, which enforces OpenAPI 3.0 schemas in full but drops every type
 * of a 3.1 schema; the spec is therefore handed to it rewritten into 3.0 form (see {@link Oas31Downgrade}).
 * Properties that a response schema does not declare are errors (the server must not send undocumented fields);
 * request schemas declare {@code additionalProperties: true}, as OpenAI ignores unknown request fields.
 * Streamed responses are checked event by event against the chunk schemas.
 */
public final class OpenApiContract {

    public static final String RESOURCE = "scion/openapi.yaml";
    static final String CHAT_CHUNK = "CreateChatCompletionStreamResponse";
    static final String COMPLETION_CHUNK = "CreateCompletionStreamResponse";
    static final String ERROR = "ErrorResponse";

    private OpenApiContract() {}

    /** Loaded once per test JVM: parsing and rewriting the spec takes a moment. */
    private static final class Spec {
        static final JsonNode DOCUMENT_30 = Oas31Downgrade.toOpenApi30(YamlDocuments.fromClasspath(RESOURCE));
        static final ComponentSchemas SCHEMAS = ComponentSchemas.of(DOCUMENT_30, true);
        static final OpenApiInteractionValidator FULL = validator(false);
        static final OpenApiInteractionValidator RESPONSES_ONLY = validator(true);
        static final MultipartRequestCheck MULTIPART = new MultipartRequestCheck(SCHEMAS.api(), SCHEMAS);

        private static OpenApiInteractionValidator validator(boolean ignoreRequests) {
            LevelResolver.Builder levels = LevelResolver.create();
            if (ignoreRequests) {
                levels.withLevel("validation.request", ValidationReport.Level.IGNORE);
            }
            return OpenApiInteractionValidator.createFor(ComponentSchemas.parse(DOCUMENT_30.toString(), RESOURCE))
                    .withLevelResolver(levels.build())
                    .withCustomResponseValidation(new StreamedResponseCheck(SCHEMAS))
                    .build();
        }
    }

    /**
     * A REST Assured filter that fails the test when a request or its response breaks the contract. Multipart
     * uploads are checked part by part (see {@link MultipartRequestCheck}).
     */
    public static Filter filter() {
        return new ContractFilter(new OpenApiValidationFilter(Spec.FULL),
                new OpenApiValidationFilter(Spec.RESPONSES_ONLY), Spec.MULTIPART);
    }

    /**
     * A filter that checks only responses: for tests that send invalid requests on purpose (wrong types, values
     * out of range) and expect the documented error response.
     */
    public static Filter responseFilter() {
        return new OpenApiValidationFilter(Spec.RESPONSES_ONLY);
    }

    /**
     * Checks a response captured some other way (an SDK test, a raw HTTP client). A {@code text/event-stream}
     * body is checked event by event.
     *
     * @param contentType the response's Content-Type header, or null when it has none
     */
    public static void assertValid(String method, String path, int status, String contentType, String body) {
        assertValid(method, path, status, contentType == null ? Map.of() : Map.of("Content-Type", contentType), body);
    }

    /** As {@link #assertValid(String, String, int, String, String)}, given every header (429 needs Retry-After). */
    public static void assertValid(String method, String path, int status, Map<String, String> headers, String body) {
        fail("response to " + method + " " + path, responseViolations(method, path, status, headers, body));
    }

    /** Checks a request body against the operation's request schema. */
    public static void assertValidRequest(String method, String path, String contentType, String body) {
        assertValidRequest(method, path, contentType == null ? Map.of() : Map.of("Content-Type", contentType), body);
    }

    /** As {@link #assertValidRequest(String, String, String, String)}, given every header (admin endpoints need
     * {@code Authorization}). */
    public static void assertValidRequest(String method, String path, Map<String, String> headers, String body) {
        fail("request " + method + " " + path, requestViolations(method, path, headers, body));
    }

    /** Checks one {@code data:} payload of a streamed chat completion. */
    public static void assertValidChatChunk(String json) {
        assertMatches(CHAT_CHUNK, json);
    }

    /** Checks one {@code data:} payload of a streamed text completion. */
    public static void assertValidCompletionChunk(String json) {
        assertMatches(COMPLETION_CHUNK, json);
    }

    /** Checks an error body that no operation describes: an unknown route (404) or a wrong method (405). */
    public static void assertValidError(String json) {
        assertMatches(ERROR, json);
    }

    /** Checks {@code json} against the spec's component schema {@code component}. */
    public static void assertMatches(String component, String json) {
        fail(component, schemaViolations(component, json));
    }

    static List<String> responseViolations(String method, String path, int status, Map<String, String> headers,
                                           String body) {
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        headers.forEach(response::withHeader);
        if (body != null) {
            response.withBody(body);
        }
        Request.Method verb = Request.Method.valueOf(method.toUpperCase(Locale.ROOT));
        return ValidationMessages.errors(Spec.FULL.validateResponse(path, verb, response.build()));
    }

    static List<String> requestViolations(String method, String path, String body) {
        return requestViolations(method, path, Map.of("Content-Type", "application/json"), body);
    }

    static List<String> requestViolations(String method, String path, Map<String, String> headers, String body) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(method.toUpperCase(Locale.ROOT), path);
        headers.forEach(request::withHeader);
        if (body != null) {
            request.withBody(body);
        }
        return ValidationMessages.errors(Spec.FULL.validateRequest(request.build()));
    }

    static List<String> schemaViolations(String component, String json) {
        return Spec.SCHEMAS.violations(component, json);
    }

    private static void fail(String what, List<String> errors) {
        if (!errors.isEmpty()) {
            throw new AssertionError(what + " breaks api-spec/openapi.yaml:\n  " + String.join("\n  ", errors));
        }
    }
}
