package dev.scion.server.contract;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.specification.MultiPartSpecification;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the parts of a {@code multipart/form-data} request against its operation's schema. Why not the validator:
 * swagger-request-validator checks JSON and url-encoded bodies only, and REST Assured hands it no body at all for a
 * multipart request, so it would report every upload as "body missing".
 *
 * <p>The parts become one JSON object, a form field as its text and a file part as the string {@code (file NAME)},
 * so the schema's part names, required parts and field patterns are enforced; a part the schema does not declare is
 * an error, as the server refuses it. A part sent twice is an error too: the server would keep only one.
 */
final class MultipartRequestCheck {
    private static final String FORM_DATA = "multipart/form-data";

    private final OpenAPI api;
    private final ComponentSchemas schemas;

    MultipartRequestCheck(OpenAPI api, ComponentSchemas schemas) {
        this.api = api;
        this.schemas = schemas;
    }

    List<String> violations(String method, String path, List<MultiPartSpecification> parts) {
        MediaType form = formDataOf(method, path);
        if (form == null) {
            return List.of(method + " " + path + " has no multipart/form-data request body in the spec");
        }
        List<String> errors = new ArrayList<>();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        for (MultiPartSpecification part : parts) {
            if (body.has(part.getControlName())) {
                errors.add("request.body: the part '" + part.getControlName() + "' is sent twice");
            }
            body.put(part.getControlName(), part.getContent() instanceof String text ? text
                    : "(file " + part.getFileName() + ")");
        }
        errors.addAll(schemas.violations(form.getSchema(), body.toString(), "request.body"));
        return errors;
    }

    private MediaType formDataOf(String method, String path) {
        for (Map.Entry<String, PathItem> item : api.getPaths().entrySet()) {
            if (!template(item.getKey()).matcher(path).matches()) {
                continue;
            }
            Operation op = item.getValue().readOperationsMap()
                    .get(PathItem.HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)));
            if (op != null && op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                return op.getRequestBody().getContent().get(FORM_DATA);
            }
        }
        return null;
    }

    /** {@code /v1/adapters/{name}} matches {@code /v1/adapters/} and one path segment. */
    private static Pattern template(String path) {
        StringBuilder regex = new StringBuilder();
        for (String piece : path.split("(?=\\{)|(?<=\\})")) {
            regex.append(piece.startsWith("{") ? "[^/]+" : Pattern.quote(piece));
        }
        return Pattern.compile(regex.toString());
    }
}
