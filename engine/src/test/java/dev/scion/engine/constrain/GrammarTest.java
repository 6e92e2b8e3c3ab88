package dev.scion.engine.constrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The languages themselves, byte by byte: what each constraint accepts and refuses. */
class GrammarTest {

    @Test
    void jsonValueAcceptsDocumentsAndRefusesBrokenOnes() {
        Grammar g = Grammars.jsonValue();
        for (String ok : List.of("{}", "[]", "0", "-12.5e+3", "\"a\\n\\u00e9\"", "true", "null",
                "{\"a\": [1, 2, {\"b\": null}], \"c\": \"é😀\"}", "[\n  1,\n  2\n]")) {
            assertTrue(g.matches(ok), ok);
        }
        for (String bad : List.of("{", "[1,]", "01", "\"a", "{\"a\" 1}", "tru", "\"\\ud800\"", "1.", "{}}", "")) {
            assertFalse(g.matches(bad), bad);
        }
        assertTrue(g.advance(g.start(), "{\"a\": [1, 2").isDead() == false);
        assertTrue(g.advance(g.start(), new byte[] {'"', (byte) 0xC0}).isDead(), "overlong UTF-8 is not valid");
        assertTrue(g.advance(g.start(), new byte[] {'"', (byte) 0xED, (byte) 0xA0}).isDead(), "no surrogates");
    }

    @Test
    void aSchemaBetweenFixedTextsNeedsBothTexts() throws Exception {
        Grammar g = Grammars.jsonSchemaBetween("<tool_call>\n", new ObjectMapper()
                .readTree("{\"type\":\"object\",\"properties\":{\"name\":{\"const\":\"f\"},\"arguments\":"
                        + "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}},"
                        + "\"required\":[\"name\",\"arguments\"],\"additionalProperties\":false}"), "\n</tool_call>");
        assertTrue(g.matches("<tool_call>\n{\"name\": \"f\", \"arguments\": {\"n\": 3}}\n</tool_call>"));
        assertFalse(g.matches("{\"name\": \"f\", \"arguments\": {\"n\": 3}}"), "the prefix is required");
        assertFalse(g.matches("<tool_call>\n{\"name\": \"f\", \"arguments\": {\"n\": 3}}"), "so is the suffix");
        assertFalse(g.matches("<tool_call>\n{\"name\": \"g\", \"arguments\": {\"n\": 3}}\n</tool_call>"));
        assertFalse(g.matches("<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>"));
    }

    @Test
    void jsonObjectNeedsAnObjectAtTheTop() {
        Grammar g = Grammars.jsonObject();
        assertTrue(g.matches("{\"k\": [true, false]}"));
        assertFalse(g.matches("[1]"));
        assertFalse(g.matches("\"s\""));
        assertTrue(g.advance(g.start(), " ").isDead(), "no whitespace before the document");
    }

    @Test
    void nestingIsBoundedAndTheBoundLeavesAWayToFinish() {
        Grammar g = Grammars.jsonValue();
        String deep = "[".repeat(Grammars.MAX_JSON_NESTING);
        MatchState s = g.advance(g.start(), deep);
        assertFalse(s.isDead());
        assertTrue(g.advance(s, "[").isDead(), "one level too deep");
        assertTrue(g.matches(deep + "1" + "]".repeat(Grammars.MAX_JSON_NESTING)));
    }

    @Test
    void whitespaceIsBounded() {
        Grammar g = Grammars.jsonObject();
        assertTrue(g.matches("{" + " ".repeat(JsonTokens.MAX_WHITESPACE) + "}"));
        assertTrue(g.advance(g.start(), "{" + " ".repeat(JsonTokens.MAX_WHITESPACE + 1)).isDead());
    }

    @Test
    void numbersHaveBoundedDigits() {
        Grammar g = Grammars.jsonValue();
        assertTrue(g.matches("1".repeat(JsonTokens.MAX_DIGITS)));
        assertFalse(g.matches("1".repeat(JsonTokens.MAX_DIGITS + 1)));
    }

    @Test
    void schemaObjectsFollowDeclaredOrderAndRequiredProperties() {
        Grammar g = Grammars.jsonSchema("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"age\":{\"type\":\"integer\"},\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]},"
                + "\"maxItems\":2}},\"required\":[\"name\",\"age\",\"tags\"],\"additionalProperties\":false}");
        assertTrue(g.matches("{\"name\": \"x\", \"age\": -3, \"tags\": [\"a\", \"b\"]}"));
        assertTrue(g.matches("{\"name\":\"\",\"age\":0,\"tags\":[]}"));
        assertFalse(g.matches("{\"age\": 1, \"name\": \"x\", \"tags\": []}"), "declared order");
        assertFalse(g.matches("{\"name\": \"x\", \"age\": 1.5, \"tags\": []}"), "integer");
        assertFalse(g.matches("{\"name\": \"x\", \"age\": 1, \"tags\": [\"a\", \"b\", \"a\"]}"), "maxItems");
        assertFalse(g.matches("{\"name\": \"x\", \"age\": 1, \"tags\": [\"c\"]}"), "enum");
        assertFalse(g.matches("{\"name\": \"x\", \"age\": 1}"), "required");
    }

    @Test
    void optionalPropertiesMayBeLeftOutWithTheRightCommas() {
        Grammar g = Grammars.jsonSchema("{\"properties\":{\"a\":{\"type\":\"null\"},\"b\":{\"type\":\"boolean\"},"
                + "\"c\":{\"const\":1}},\"required\":[\"b\"]}");
        assertTrue(g.matches("{\"b\": true}"));
        assertTrue(g.matches("{\"a\": null, \"b\": false, \"c\": 1}"));
        assertTrue(g.matches("{\"b\": false, \"c\": 1}"));
        assertFalse(g.matches("{, \"b\": true}"));
        assertFalse(g.matches("{\"a\": null}"));
        assertFalse(g.matches("{\"b\": true, \"c\": 2}"));
    }

    @Test
    void anyOfAndRecursiveReferences() {
        Grammar g = Grammars.jsonSchema("{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{"
                + "\"value\":{\"type\":\"number\"},\"next\":{\"anyOf\":[{\"$ref\":\"#/$defs/node\"},{\"type\":\"null\"}]}},"
                + "\"required\":[\"value\",\"next\"],\"additionalProperties\":false}},\"$ref\":\"#/$defs/node\"}");
        assertTrue(g.matches("{\"value\": 1, \"next\": {\"value\": 2.5, \"next\": null}}"));
        assertFalse(g.matches("{\"value\": 1, \"next\": {\"value\": 2.5}}"));
        assertFalse(g.matches("{\"value\": 1, \"next\": 3}"));
        Grammar overlap = Grammars.jsonSchema("{\"anyOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
                + "\"string\"}},\"required\":[\"a\"]},{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
                + "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"]}]}");
        assertTrue(overlap.matches("{\"a\": \"s\"}"));
        assertTrue(overlap.matches("{\"a\": 1, \"b\": 2}"));
        assertFalse(overlap.matches("{\"a\": 1}"));
    }

    @Test
    void unsupportedKeywordsAreRefusedByName() {
        for (String keyword : List.of("pattern", "format", "minimum", "minLength", "oneOf", "allOf", "not",
                "patternProperties", "prefixItems")) {
            String schema = "{\"type\":\"string\",\"" + keyword + "\":" + (keyword.endsWith("Of") || keyword.equals(
                    "prefixItems") ? "[]" : keyword.equals("not") || keyword.equals("patternProperties") ? "{}" : "1")
                    + "}";
            UnsupportedSchemaException e = assertThrows(UnsupportedSchemaException.class,
                    () -> Grammars.jsonSchema(schema), schema);
            assertEquals(keyword, e.keyword());
            assertTrue(e.getMessage().contains("'" + keyword + "'"), e.getMessage());
        }
        UnsupportedSchemaException nested = assertThrows(UnsupportedSchemaException.class, () -> Grammars.jsonSchema(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"x\"}}}"));
        assertEquals("pattern", nested.keyword());
        assertEquals("additionalProperties", assertThrows(UnsupportedSchemaException.class, () -> Grammars.jsonSchema(
                "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}")).keyword());
        assertEquals("$ref", assertThrows(UnsupportedSchemaException.class, () -> Grammars.jsonSchema(
                "{\"$ref\":\"https://example.com/s.json\"}")).keyword());
    }

    @Test
    void schemasWithNoFiniteDocumentOrLeftRecursionAreRefused() {
        assertThrows(InvalidConstraintException.class, () -> Grammars.jsonSchema(
                "{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"null\"}]}"));
        assertThrows(InvalidConstraintException.class, () -> Grammars.jsonSchema(
                "{\"type\":\"object\",\"properties\":{\"self\":{\"$ref\":\"#\"}},\"required\":[\"self\"]}"));
        assertThrows(InvalidConstraintException.class, () -> Grammars.jsonSchema("{\"$ref\":\"#/$defs/missing\"}"));
        assertThrows(InvalidConstraintException.class, () -> Grammars.jsonSchema(
                "{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":{\"type\":\"array\"}},\"minItems\":1000,"
                        + "\"maxItems\":1000}"));
    }

    @Test
    void regexMatchesTheWholeOutput() {
        Grammar g = Grammars.regex("^(\\d{3})-[a-z]+(?:x|yz)?\\.$");
        assertTrue(g.matches("123-abc."));
        assertTrue(g.matches("123-abyz."));
        assertFalse(g.matches("12-abc."));
        assertFalse(g.matches("123-abc"));
        Grammar unicode = Grammars.regex("[^a]é.{2}");
        assertTrue(unicode.matches("bé😀z"));
        assertFalse(unicode.matches("aé12"));
        assertFalse(unicode.matches("bé\nz"));
        assertTrue(Grammars.regex("a{2,}b*|c").matches("aaab"));
        assertTrue(Grammars.regex("[\\w.-]+@x\\.com").matches("a.b-c@x.com"));
        assertTrue(Grammars.regex("").matches(""));
    }

    @Test
    void regexFeaturesWithoutAnAutomatonAreRefused() {
        for (String bad : List.of("(a)\\1", "a(?=b)", "(?<=a)b", "(?!a)", "\\bword", "(?i)a", "\\p{L}", "a++",
                "(a", "a)", "[a", "x{3,1}", "a{1001}")) {
            assertThrows(InvalidConstraintException.class, () -> Grammars.regex(bad), bad);
        }
    }

    @Test
    void choiceIsExactlyOneOfTheStrings() {
        Grammar g = Grammars.choice(List.of("yes", "no", "maybe not"));
        assertTrue(g.matches("no"));
        assertTrue(g.matches("maybe not"));
        assertFalse(g.matches("maybe"));
        assertFalse(g.matches("yes "));
    }

    @Test
    void twentyPropertySchemaCompilesAndItsCompileTimeIsPrinted() {
        StringBuilder props = new StringBuilder();
        StringBuilder required = new StringBuilder();
        String[] types = {"string", "integer", "number", "boolean"};
        for (int i = 0; i < 20; i++) {
            props.append(i == 0 ? "" : ",").append("\"field_").append(i).append("\":{\"type\":\"")
                    .append(types[i % 4]).append("\"}");
            required.append(i == 0 ? "" : ",").append("\"field_").append(i).append("\"");
        }
        String schema = "{\"type\":\"object\",\"properties\":{" + props + "},\"required\":[" + required
                + "],\"additionalProperties\":false}";
        Grammars.jsonSchema(schema); // warm up
        int runs = 20;
        long start = System.nanoTime();
        Grammar g = null;
        for (int i = 0; i < runs; i++) {
            g = Grammars.jsonSchema(schema);
        }
        double ms = (System.nanoTime() - start) / 1e6 / runs;
        System.out.printf("20-property schema: compile %.2f ms, %d states%n", ms, g.stateCount());
        StringBuilder doc = new StringBuilder("{");
        String[] values = {"\"v\"", "7", "2.5", "true"};
        for (int i = 0; i < 20; i++) {
            doc.append(i == 0 ? "" : ", ").append("\"field_").append(i).append("\": ").append(values[i % 4]);
        }
        assertTrue(g.matches(doc + "}"), doc.toString());
        assertFalse(g.matches(doc.toString()));
    }
}
