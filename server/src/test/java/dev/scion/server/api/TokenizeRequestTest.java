package dev.scion.server.api;

import static dev.scion.server.api.Requests.assertRejected;
import static dev.scion.server.api.Requests.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenizeRequestTest {

    @Test
    void aPromptIsTokenizedAsIs() {
        TokenizeRequest r = TokenizeRequest.parse(json("{'model':'base','prompt':'Hello there'}"));
        assertEquals("base", r.model());
        assertEquals("Hello there", r.prompt());
        assertNull(r.messages());
        assertEquals("", TokenizeRequest.parse(json("{'model':'base','prompt':''}")).prompt());
    }

    @Test
    void messagesGoThroughTheChatTemplateWithAGenerationPromptByDefault() {
        TokenizeRequest r = TokenizeRequest.parse(json("{'model':'base','messages':[{'role':'developer',"
                + "'content':[{'type':'text','text':'x'}]}],'tools':[{'type':'function','function':{'name':'f'}}],"
                + "'chat_template_kwargs':{'enable_thinking':true}}"));
        assertNull(r.prompt());
        assertEquals(List.of(Map.of("role", "system", "content", "x")), r.messages());
        assertTrue(r.addGenerationPrompt());
        assertEquals(List.of(Map.of("type", "function", "function", Map.of("name", "f"))), r.tools());
        assertEquals(Map.of("enable_thinking", true), r.chatTemplateKwargs());
        assertFalse(TokenizeRequest.parse(json("{'model':'b','messages':[{'role':'user','content':'x'}],"
                + "'add_generation_prompt':false}")).addGenerationPrompt());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{'model':'','prompt':'x'}|model|model",
        "{'model':'m','prompt':'x','continue_final_message':true}|continue_final_message|only with messages",
        "{'model':'m'}|prompt|exactly one of prompt and messages",
        "{'model':'m','prompt':'x','messages':[{'role':'user','content':'x'}]}|messages|exactly one of prompt and messages",
        "{'model':'m','prompt':['x']}|prompt|must be a string",
        "{'model':'m','messages':[]}|messages|at least one message",
        "{'model':'m','messages':[{'role':'narrator','content':'x'}]}|messages[0].role|got 'narrator'",
        "{'model':'m','messages':[{'role':'user','content':'x'}],'add_generation_prompt':1}|add_generation_prompt|must be a boolean",
        "{'model':'m','messages':[{'role':'user','content':'x'}],'tools':'f'}|tools|must be an array",
        "{'model':'m','messages':[{'role':'user','content':'x'}],'tools':[{'type':'function','function':{}}]}|tools[0].function.name|is required",
        "{'model':'m','messages':[{'role':'user','content':'x'}],'chat_template_kwargs':{'tools':[]}}|chat_template_kwargs.tools|may not set",
    })
    void badTokenizeRequestsAreRejected(String body, String param, String message) {
        assertRejected(TokenizeRequest::parse, body, param, message);
    }

    @Test
    void detokenizeTakesNonNegativeIds() {
        DetokenizeRequest r = DetokenizeRequest.parse(json("{'model':'base','tokens':[0,5,151643]}"));
        assertEquals("base", r.model());
        assertArrayEquals(new int[] {0, 5, 151643}, r.tokens());
        assertArrayEquals(new int[0], DetokenizeRequest.parse(json("{'model':'b','tokens':[]}")).tokens());
    }

    @Test
    void detokenizeIsBoundedToTheContext() {
        assertArrayEquals(new int[] {1, 2, 3}, DetokenizeRequest.parse(json("{'model':'m','tokens':[1,2,3]}"), 3).tokens());
        assertRejected(body -> DetokenizeRequest.parse(body, 3), "{'model':'m','tokens':[1,2,3,4]}", "tokens",
                "tokens has 4 ids; at most 3");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{'model':7,'tokens':[1]}|model|model",
        "{'model':'m'}|tokens|tokens is required",
        "{'model':'m','tokens':'1 2'}|tokens|must be an array",
        "{'model':'m','tokens':[1,-1]}|tokens[1]|got -1",
        "{'model':'m','tokens':[1,'2']}|tokens[1]|must be a token id",
        "{'model':'m','tokens':[[1]]}|tokens[0]|must be a token id",
    })
    void badDetokenizeRequestsAreRejected(String body, String param, String message) {
        assertRejected(DetokenizeRequest::parse, body, param, message);
    }
}
