package dev.scion.server.contract;

import com.atlassian.oai.validator.interaction.response.CustomResponseValidator;
import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.model.Response;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Checks the events of a streamed completion, which an OpenAPI schema cannot describe: the spec gives the body as
 * a string, this check holds each {@code data:} payload to the operation's chunk schema.
 */
final class StreamedResponseCheck implements CustomResponseValidator {

    static final String KEY = "validation.response.body.stream";
    private static final Map<String, String> CHUNK_SCHEMA_BY_OPERATION = Map.of(
            "createChatCompletion", OpenApiContract.CHAT_CHUNK,
            "createCompletion", OpenApiContract.COMPLETION_CHUNK);

    private final ComponentSchemas schemas;

    StreamedResponseCheck(ComponentSchemas schemas) {
        this.schemas = schemas;
    }

    @Override
    public ValidationReport validate(Response response, ApiOperation operation) {
        String chunkSchema = CHUNK_SCHEMA_BY_OPERATION.get(operation.getOperation().getOperationId());
        boolean eventStream = response.getContentType().map(t -> t.startsWith("text/event-stream")).orElse(false);
        if (chunkSchema == null || !eventStream || response.getStatus() != 200) {
            return ValidationReport.empty();
        }
        List<String> errors = EventStreamCheck.violations(schemas, chunkSchema, body(response));
        return ValidationReport.from(errors.stream()
                .map(error -> ValidationReport.Message.create(KEY, error).build())
                .toList());
    }

    /** getBody() is deprecated and empty for SimpleResponse; the body proper is getResponseBody(). */
    private static String body(Response response) {
        try {
            return response.getResponseBody().isPresent()
                    ? response.getResponseBody().get().toString(StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the response body", e);
        }
    }
}
