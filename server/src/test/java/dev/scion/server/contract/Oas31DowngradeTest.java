package dev.scion.server.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class Oas31DowngradeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String DOCUMENT = """
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1", "summary": "s",
                                          "license": {"name": "MIT", "identifier": "MIT"}},
             "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json":
                 {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
             "components": {"schemas": {"Thing": {"type": "object", "required": ["n"], "properties": {
                 "n": {"type": ["integer", "null"], "exclusiveMinimum": 0},
                 "kind": {"type": "string", "const": "thing", "examples": ["thing"]},
                 "usage": {"$ref": "#/components/schemas/Usage", "nullable": true},
                 "type": {"type": "string"}}},
               "Usage": {"type": "object", "properties": {"total": {"type": "integer"}}}}}}""";

    /**
     * The reason the rewrite exists: handed a 3.1 document, swagger-request-validator 2.44.9 does not check types.
     * Should a later version check them, this fails, and the rewrite can go.
     */
    @Test
    void validatorIgnoresTypesOfA31Document() throws Exception {
        String wrongType = "{\"n\": \"seven\"}";
        assertEquals(List.of(), violations(DOCUMENT, wrongType));
        String rewritten = Oas31Downgrade.toOpenApi30(JSON.readTree(DOCUMENT)).toString();
        List<String> errors = violations(rewritten, wrongType);
        assertTrue(errors.stream().anyMatch(e -> e.contains("/n") && e.contains("string")), errors::toString);
    }

    @Test
    void rewritesEachConstructThatTheValidatorEnforces() throws Exception {
        ObjectNode rewritten = Oas31Downgrade.toOpenApi30(JSON.readTree(DOCUMENT));
        assertEquals("3.0.3", rewritten.get("openapi").asText());
        assertFalse(rewritten.get("info").has("summary"));
        JsonNode thing = rewritten.at("/components/schemas/Thing/properties");
        assertEquals(JSON.readTree(
                "{\"type\":\"integer\",\"exclusiveMinimum\":true,\"minimum\":0,\"nullable\":true}"), thing.get("n"));
        assertEquals("{\"type\":\"string\",\"enum\":[\"thing\"]}", thing.get("kind").toString());
        assertEquals("{\"anyOf\":[{\"$ref\":\"#/components/schemas/Usage\"},{\"type\":\"null\"}]}",
                thing.get("usage").toString());
        assertEquals("{\"type\":\"string\"}", thing.get("type").toString(), "a property named type is a name");
        String valid = "{\"n\": null, \"usage\": null, \"kind\": \"thing\"}";
        assertEquals(List.of(), violations(rewritten.toString(), valid));
        List<String> errors = violations(rewritten.toString(), "{\"n\": 0, \"usage\": 3, \"kind\": \"other\"}");
        assertEquals(3, errors.size(), errors::toString);
    }

    @Test
    void refusesWhatItCannotExpress() throws Exception {
        String twoTypes = DOCUMENT.replace("[\"integer\", \"null\"]", "[\"integer\", \"string\"]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Oas31Downgrade.toOpenApi30(JSON.readTree(twoTypes)));
        assertTrue(e.getMessage().contains("Thing.properties.n"), e.getMessage());
        String prefixItems = DOCUMENT.replace("\"examples\": [\"thing\"]", "\"prefixItems\": [{}]");
        e = assertThrows(IllegalArgumentException.class, () -> Oas31Downgrade.toOpenApi30(JSON.readTree(prefixItems)));
        assertTrue(e.getMessage().contains("prefixItems"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Oas31Downgrade.toOpenApi30(JSON.readTree("{\"openapi\": \"3.0.3\"}")));
    }

    @Test
    void leavesTheInputUntouched() throws Exception {
        JsonNode input = JSON.readTree(DOCUMENT);
        Oas31Downgrade.toOpenApi30(input);
        assertEquals(JSON.readTree(DOCUMENT), input);
    }

    private static List<String> violations(String document, String body) {
        OpenApiInteractionValidator validator = OpenApiInteractionValidator.createForInlineApiSpecification(document)
                .build();
        return ValidationMessages.errors(validator.validateResponse("/x", Request.Method.GET,
                SimpleResponse.Builder.ok().withContentType("application/json").withBody(body).build()));
    }
}
