package dev.scion.server.api;

import static dev.scion.server.api.Requests.assertRejected;
import static dev.scion.server.api.Requests.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputConstraintsTest {

    private static OutputConstraint chat(String fields) {
        return ChatCompletionRequest.parse(json("{'model':'m','messages':[{'role':'user','content':'hi'}]," + fields
                + "}")).constraint();
    }

    private static OutputConstraint completion(String fields) {
        return CompletionRequest.parse(json("{'model':'m','prompt':'hi'," + fields + "}")).constraint();
    }

    @Test
    void textAndAbsentFormatsLeaveTheOutputFree() {
        assertNull(chat("'response_format':{'type':'text'}"));
        assertNull(chat("'response_format':null"));
        assertNull(completion("'echo':false"));
    }

    @Test
    void eachFieldBecomesItsKindAndNamesItselfInErrors() {
        OutputConstraint object = chat("'response_format':{'type':'json_object'}");
        assertEquals(OutputConstraint.Kind.JSON_OBJECT, object.kind());
        OutputConstraint schema = chat("'response_format':{'type':'json_schema','json_schema':{'name':'p',"
                + "'strict':true,'description':'d','schema':{'type':'object','properties':{'a':{'type':'string'}}}}}");
        assertEquals(OutputConstraint.Kind.JSON_SCHEMA, schema.kind());
        assertEquals("response_format.json_schema.schema", schema.param());
        assertEquals("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}", schema.schema().toString());
        assertEquals(OutputConstraint.Kind.REGEX, completion("'guided_regex':'[ab]+'").kind());
        OutputConstraint choice = completion("'guided_choice':['yes','no']");
        assertEquals(List.of("yes", "no"), choice.choices());
        assertEquals("guided_choice", choice.param());
    }

    @Test
    void guidedJsonTakesAnObjectOrAStringHoldingOneWithTheSameKey() {
        OutputConstraint object = completion("'guided_json':{'type':'integer'}");
        OutputConstraint text = CompletionRequest.parse(((ObjectNode) json("{'model':'m','prompt':'hi'}"))
                .put("guided_json", "{\"type\":\"integer\"}")).constraint();
        assertEquals(object.key(), text.key());
        assertNotEquals(object.key(), chat("'guided_json':{'type':'number'}").key());
    }

    @Test
    void propertyOrderIsPartOfTheKeyBecauseItIsTheWrittenOrder() {
        assertNotEquals(completion("'guided_json':{'properties':{'a':{},'b':{}}}").key(),
                completion("'guided_json':{'properties':{'b':{},'a':{}}}").key());
    }

    @Test
    void completionsTakeResponseFormatAsVllmDoesAndRefuseTwoConstraints() {
        assertEquals(OutputConstraint.Kind.JSON_OBJECT, completion("'response_format':{'type':'json_object'}").kind());
        assertRejected(CompletionRequest::parse, "{'model':'m','prompt':'hi','guided_regex':'a','guided_choice':['a']}",
                "guided_choice", "at most one of");
        assertRejected(CompletionRequest::parse, "{'model':'m','prompt':'hi','response_format':{'type':'json_object'},"
                + "'guided_json':{}}", "guided_json", "at most one of");
    }

    @Test
    void anOversizedConstraintIsRefusedBeforeCompiling() {
        String big = "a".repeat(OutputConstraints.MAX_CONSTRAINT_CHARS + 1);
        assertRejected(CompletionRequest::parse, "{'model':'m','prompt':'hi','guided_regex':'" + big + "'}",
                "guided_regex", "too large");
    }

    private static final String TOOLS = "'tools':[{'type':'function','function':{'name':'f','parameters':{'type':'object',"
            + "'properties':{'n':{'type':'integer'}},'required':['n']}}},{'type':'function','function':{'name':'g'}}]";

    @Test
    void aNamedFunctionForcesOneCallOfItWithItsParameters() {
        OutputConstraint call = chat(TOOLS + ",'tool_choice':{'type':'function','function':{'name':'f'}}");
        assertEquals(OutputConstraint.Kind.TOOL_CALL, call.kind());
        assertEquals("{\"type\":\"object\",\"properties\":{\"name\":{\"const\":\"f\"},\"arguments\":{\"type\":"
                + "\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}},\"required\":"
                + "[\"name\",\"arguments\"],\"additionalProperties\":false}", call.schema().toString());
        assertTrue(call.compile().matches("<tool_call>\n{\"name\": \"f\", \"arguments\": {\"n\": 1}}\n</tool_call>"));
    }

    @Test
    void requiredForcesACallOfAnyToolAnyArgumentsWhenItHasNoParameters() {
        OutputConstraint call = chat(TOOLS + ",'tool_choice':'required'");
        assertEquals(2, call.schema().get("anyOf").size());
        var grammar = call.compile();
        assertTrue(grammar.matches("<tool_call>\n{\"name\": \"g\", \"arguments\": {\"x\": [1]}}\n</tool_call>"));
        assertFalse(grammar.matches("<tool_call>\n{\"name\": \"h\", \"arguments\": {}}\n</tool_call>"));
        assertFalse(grammar.matches("hello"));
    }
}
