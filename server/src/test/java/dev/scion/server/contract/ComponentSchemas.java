package dev.scion.server.contract;

import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.List;

/**
 * Validates a JSON value against one named schema of a document's {@code components.schemas}, for bodies that no
 * operation describes directly: server-sent event payloads, and responses checked against OpenAI's schemas.
 */
final class ComponentSchemas {

    private final OpenAPI api;
    private final SchemaValidator validator;

    private ComponentSchemas(OpenAPI api, SchemaValidator validator) {
        this.api = api;
        this.validator = validator;
    }

    /**
     * @param document30                an OpenAPI 3.0 document (see {@link Oas31Downgrade})
     * @param refuseUndeclaredProperties whether properties a response schema does not declare are errors
     */
    static ComponentSchemas of(JsonNode document30, boolean refuseUndeclaredProperties) {
        OpenAPI api = parse(document30.toString(), document30.path("info").path("title").asText());
        LevelResolver.Builder levels = LevelResolver.create();
        if (!refuseUndeclaredProperties) {
            levels.withLevel(SchemaValidator.ADDITIONAL_PROPERTIES_KEY, ValidationReport.Level.IGNORE);
        }
        return new ComponentSchemas(api, new SchemaValidator(api, new MessageResolver(levels.build())));
    }

    static OpenAPI parse(String document30, String name) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(document30, null, options);
        if (result.getOpenAPI() == null || !result.getMessages().isEmpty()) {
            throw new IllegalStateException("cannot parse " + name + ": " + result.getMessages());
        }
        return result.getOpenAPI();
    }

    /** The schema errors of {@code json} as a response body; empty when it is valid. */
    List<String> violations(String component, String json) {
        Schema<?> schema = api.getComponents().getSchemas().get(component);
        if (schema == null) {
            throw new IllegalArgumentException("no component schema named " + component);
        }
        return violations(schema, json, "response.body");
    }

    /** The errors of {@code json} against {@code schema} (which may refer to component schemas). */
    List<String> violations(Schema<?> schema, String json, String where) {
        return ValidationMessages.errors(validator.validate(json, schema, where));
    }

    OpenAPI api() {
        return api;
    }
}
