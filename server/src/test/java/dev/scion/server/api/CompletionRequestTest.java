package dev.scion.server.api;

import static dev.scion.server.api.Requests.assertRejected;
import static dev.scion.server.api.Requests.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.sampling.SamplingParams;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompletionRequestTest {

    private static CompletionRequest parse(String body) {
        return CompletionRequest.parse(json(body));
    }

    private static String completion(String extraFields) {
        return "{'model':'base','prompt':'Once upon'" + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
    }

    @Test
    void aStringPromptIsOneTextPromptWithOpenAisDefaults() {
        CompletionRequest r = parse(completion(""));
        assertEquals("base", r.model());
        assertEquals(List.of("Once upon"), r.textPrompts());
        assertNull(r.tokenPrompts());
        assertEquals(1, r.promptCount());
        assertEquals(CompletionRequest.DEFAULT_MAX_TOKENS, r.maxTokens());
        assertEquals(new SamplingParams(1.0, 1.0, -1, 0, null, 0, 0, 1, -1), r.sampling());
        assertFalse(r.echo());
        assertNull(r.logprobs());
        assertFalse(r.stream());
        assertEquals(1, r.n());
    }

    @Test
    void anArrayOfStringsIsOnePromptEach() {
        CompletionRequest r = parse("{'model':'m','prompt':['a','b','c']}");
        assertEquals(List.of("a", "b", "c"), r.textPrompts());
        assertEquals(3, r.promptCount());
    }

    @Test
    void anArrayOfIdsIsOneTokenPrompt() {
        CompletionRequest r = parse("{'model':'m','prompt':[151644,0,872]}");
        assertNull(r.textPrompts());
        assertEquals(1, r.tokenPrompts().size());
        assertArrayEquals(new int[] {151644, 0, 872}, r.tokenPrompts().get(0));
    }

    @Test
    void anArrayOfArraysOfIdsIsOneTokenPromptEach() {
        CompletionRequest r = parse("{'model':'m','prompt':[[1,2],[3]]}");
        assertEquals(2, r.promptCount());
        assertArrayEquals(new int[] {1, 2}, r.tokenPrompts().get(0));
        assertArrayEquals(new int[] {3}, r.tokenPrompts().get(1));
    }

    @Test
    void legacyLogprobsIsTheNumberOfAlternatives() {
        CompletionRequest r = parse(completion("'logprobs':3"));
        assertEquals(3, r.logprobs());
        assertEquals(3, r.sampling().topLogprobs());
        assertEquals(0, parse(completion("'logprobs':0")).sampling().topLogprobs());
    }

    @Test
    void theSharedFieldsAreReadAsForChat() {
        CompletionRequest r = parse(completion("'temperature':0,'top_p':0.5,'top_k':3,'min_p':0.1,'seed':9,"
                + "'presence_penalty':0.5,'frequency_penalty':0.25,'repetition_penalty':1.2,'max_tokens':64,"
                + "'stop':'.','n':2,'stream':true,'stream_options':{'include_usage':true},'echo':true,'user':'u',"
                + "'best_of':2,'suffix':null,'logit_bias':{},'unknown':1"));
        assertEquals(new SamplingParams(0, 0.5, 3, 0.1, 9L, 0.5, 0.25, 1.2, -1), r.sampling());
        assertEquals(64, r.maxTokens());
        assertEquals(List.of("."), r.stop());
        assertEquals(2, r.n());
        assertTrue(r.stream());
        assertTrue(r.includeUsage());
        assertTrue(r.echo());
        assertEquals("u", r.user());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{'model':'m'}|prompt|prompt is required",
        "{'model':'m','prompt':null}|prompt|prompt is required",
        "{'model':'m','prompt':''}|prompt|must not be empty",
        "{'model':'m','prompt':[]}|prompt|must not be empty",
        "{'model':'m','prompt':5}|prompt|a string, an array of strings",
        "{'model':'m','prompt':{'text':'x'}}|prompt|a string, an array of strings",
        "{'model':'m','prompt':['a','']}|prompt[1]|must not be empty",
        "{'model':'m','prompt':['a',1]}|prompt[1]|must be a string like the other prompts",
        "{'model':'m','prompt':[1,'a']}|prompt[1]|must be a token id",
        "{'model':'m','prompt':[1,-2]}|prompt[1]|got -2",
        "{'model':'m','prompt':[1,2.5]}|prompt[1]|must be a token id",
        "{'model':'m','prompt':[1,4294967296]}|prompt[1]|got 4294967296",
        "{'model':'m','prompt':[[1],[]]}|prompt[1]|must not be empty",
        "{'model':'m','prompt':[[1],2]}|prompt[1]|must be an array of token ids",
        "{'model':'m','prompt':[[1],[2,-1]]}|prompt[1][1]|got -1",
        "{'model':'m','prompt':[[1],['a']]}|prompt[1][0]|must be a token id",
        "{'prompt':'x'}|model|model is required",
        "{'model':'m','prompt':'x','logprobs':6}|logprobs|between 0 and 5",
        "{'model':'m','prompt':'x','logprobs':true}|logprobs|must be an integer",
        "{'model':'m','prompt':'x','echo':'yes'}|echo|must be a boolean",
        "{'model':'m','prompt':'x','echo':true,'logprobs':1}|echo|echo together with logprobs is not supported",
        "{'model':'m','prompt':'x','suffix':'end'}|suffix|not supported",
        "{'model':'m','prompt':'x','best_of':3}|best_of|greater than n is not supported",
        "{'model':'m','prompt':'x','n':3,'best_of':2}|best_of|at least n",
        "{'model':'m','prompt':'x','best_of':0}|best_of|at least 1",
        "{'model':'m','prompt':'x','max_tokens':0}|max_tokens|at least 1",
        "{'model':'m','prompt':'x','temperature':3}|temperature|between 0 and 2",
        "{'model':'m','prompt':'x','n':20}|n|between 1 and 16",
        "{'model':'m','prompt':'x','stop':[null]}|stop[0]|must be a string",
        "{'model':'m','prompt':'x','logit_bias':{'1':1}}|logit_bias|not supported",
        "{'model':'m','prompt':'x','stream_options':{}}|stream_options|only allowed when stream is true",
    })
    void badPromptsAndFieldsAreRejectedNamingTheField(String body, String param, String message) {
        assertRejected(CompletionRequest::parse, body, param, message);
    }
}
