package dev.scion.server.api;

import static dev.scion.server.api.Requests.assertRejected;
import static dev.scion.server.api.Requests.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.sampling.SamplingParams;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatCompletionRequestTest {

    private static String chat(String extraFields) {
        return "{'model':'base','messages':[{'role':'user','content':'hi'}]"
                + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
    }

    private static ChatCompletionRequest parse(String body) {
        return ChatCompletionRequest.parse(json(body));
    }

    @Test
    void aMinimalRequestGetsOpenAisDefaults() {
        ChatCompletionRequest r = parse(chat(""));
        assertEquals("base", r.model());
        assertEquals(List.of(Map.of("role", "user", "content", "hi")), r.messages());
        assertFalse(r.stream());
        assertFalse(r.includeUsage());
        assertEquals(1, r.n());
        assertEquals(new SamplingParams(1.0, 1.0, -1, 0, null, 0, 0, 1, -1), r.sampling());
        assertNull(r.maxTokens());
        assertEquals(List.of(), r.stop());
        assertFalse(r.logprobs());
        assertNull(r.user());
        assertNull(r.tools());
        assertEquals(Map.of(), r.chatTemplateKwargs());
    }

    @Test
    void everySamplingFieldReachesSamplingParams() {
        ChatCompletionRequest r = parse(chat("'temperature':0.7,'top_p':0.9,'top_k':40,'min_p':0.05,"
                + "'seed':-12345678901,'presence_penalty':1.5,'frequency_penalty':-0.5,'repetition_penalty':1.1,'logprobs':true,"
                + "'top_logprobs':5,'n':3,'stream':true,'stream_options':{'include_usage':true},'max_tokens':100,"
                + "'stop':['\\n\\n','END'],'user':'u-1'"));
        assertEquals(new SamplingParams(0.7, 0.9, 40, 0.05, -12345678901L, 1.5, -0.5, 1.1, 5), r.sampling());
        assertTrue(r.logprobs());
        assertEquals(3, r.n());
        assertTrue(r.stream());
        assertTrue(r.includeUsage());
        assertEquals(100, r.maxTokens());
        assertEquals(List.of("\n\n", "END"), r.stop());
        assertEquals("u-1", r.user());
    }

    @Test
    void logprobsWithoutTopLogprobsAsksForTheChosenTokenOnly() {
        assertEquals(0, parse(chat("'logprobs':true")).sampling().topLogprobs());
        assertEquals(-1, parse(chat("'logprobs':false")).sampling().topLogprobs());
        assertEquals(20, parse(chat("'logprobs':true,'top_logprobs':20")).sampling().topLogprobs());
    }

    @Test
    void theEdgesOfEveryRangeAreAccepted() {
        assertEquals(new SamplingParams(0, 1, -1, 0, 0L, -2, 2, 1e-6, 0), parse(chat("'temperature':0,'top_p':1,"
                + "'top_k':-1,'min_p':0,'seed':0,'presence_penalty':-2,'frequency_penalty':2,"
                + "'repetition_penalty':0.000001,'logprobs':true,'top_logprobs':0")).sampling());
        assertEquals(new SamplingParams(2, 1e-9, 1, 1, Long.MIN_VALUE, 2, -2, 100, 20), parse(chat("'temperature':2,"
                + "'top_p':1e-9,'top_k':1,'min_p':1,'seed':-9223372036854775808,'presence_penalty':2,"
                + "'frequency_penalty':-2,'repetition_penalty':100,'logprobs':true,'top_logprobs':20")).sampling());
        assertEquals(16, parse(chat("'n':16")).n());
        assertEquals(1, parse(chat("'max_tokens':1")).maxTokens());
        assertEquals(4, parse(chat("'stop':['a','b','c','d']")).stop().size());
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        assertEquals(7, parse(chat("'max_tokens':50,'max_completion_tokens':7")).maxTokens());
        assertEquals(9, parse(chat("'max_completion_tokens':9")).maxTokens());
    }

    @Test
    void aSingleStopStringBecomesAList() {
        assertEquals(List.of("###"), parse(chat("'stop':'###'")).stop());
    }

    @Test
    void nullMeansAbsentAndUnknownOrInformationalFieldsAreIgnored() {
        ChatCompletionRequest r = parse(chat("'temperature':null,'stop':null,'n':null,'stream_options':null,"
                + "'metadata':{'k':'v'},'store':false,'service_tier':'auto','parallel_tool_calls':true,"
                + "'prediction':{'type':'content','content':'x'},'reasoning_effort':'low','future_field':[1,2],"
                + "'response_format':{'type':'text'},'logit_bias':{},'tool_choice':'auto'"));
        assertEquals(1.0, r.sampling().temperature());
        assertEquals(1, r.n());
        assertEquals(List.of(), r.stop());
    }

    @Test
    void streamingWithSeveralChoicesIsAllowed() {
        ChatCompletionRequest r = parse(chat("'stream':true,'n':16"));
        assertTrue(r.stream());
        assertEquals(16, r.n());
        assertFalse(r.includeUsage());
    }

    @Test
    void messagesKeepWhatTheChatTemplateReads() {
        ChatCompletionRequest r = parse("{'model':'base','messages':["
                + "{'role':'developer','content':'Be brief.'},"
                + "{'role':'user','name':'ann','content':[{'type':'text','text':'one'},{'type':'text','text':'two'}],"
                + "'unknown':'dropped'},"
                + "{'role':'assistant','content':null,'reasoning_content':'thinking','tool_calls':[{'id':'call_1',"
                + "'type':'function','function':{'name':'get','arguments':'{\\'a\\':1}'}}]},"
                + "{'role':'tool','tool_call_id':'call_1','content':'42'},"
                + "{'role':'assistant','tool_calls':[]}]}");
        List<Map<String, Object>> m = r.messages();
        assertEquals(Map.of("role", "system", "content", "Be brief."), m.get(0));
        assertEquals(Map.of("role", "user", "name", "ann", "content", "one\ntwo"), m.get(1));
        assertEquals("", m.get(2).get("content")); // as vLLM renders a null content next to tool calls
        assertEquals("thinking", m.get(2).get("reasoning_content"));
        assertEquals(List.of(Map.of("id", "call_1", "type", "function",
                "function", Map.of("name", "get", "arguments", Map.of("a", 1)))), m.get(2).get("tool_calls"));
        assertEquals(Map.of("role", "tool", "tool_call_id", "call_1", "content", "42"), m.get(3));
        assertEquals(List.of(), m.get(4).get("tool_calls"));
    }

    @Test
    void toolsAndTemplateKwargsArePlainJavaValues() {
        ChatCompletionRequest r = parse(chat("'tools':[{'type':'function','function':{'name':'get','parameters':"
                + "{'type':'object','properties':{'a':{'type':'integer'}}}}}],"
                + "'chat_template_kwargs':{'enable_thinking':false,'depth':2}"));
        assertEquals(List.of(Map.of("type", "function", "function", Map.of("name", "get", "parameters",
                Map.of("type", "object", "properties", Map.of("a", Map.of("type", "integer")))))), r.tools());
        assertEquals(Boolean.FALSE, r.chatTemplateKwargs().get("enable_thinking"));
        assertEquals(2, r.chatTemplateKwargs().get("depth"));
    }

    @Test
    void toolChoiceNoneStillRendersTheToolsButTurnsParsingOff() {
        ChatCompletionRequest none = parse(chat("'tools':[{'type':'function','function':{'name':'f'}}],"
                + "'tool_choice':'none'"));
        assertEquals(1, none.tools().size()); // as vLLM: the prompt is the same, the output is all content
        assertFalse(none.toolUse().parseCalls());
        ChatCompletionRequest auto = parse(chat("'tools':[{'type':'function','function':{'name':'f'}}],"
                + "'tool_choice':'auto','parallel_tool_calls':false"));
        assertTrue(auto.toolUse().parseCalls());
        assertFalse(auto.toolUse().parallel());
        assertTrue(parse(chat("'tools':[{'type':'function','function':{'name':'f'}}]")).toolUse().parseCalls());
        assertTrue(parse(chat("'tools':[{'type':'function','function':{'name':'f'}}]")).toolUse().parallel());
        assertFalse(parse(chat("")).toolUse().parseCalls());
        assertFalse(parse(chat("'tools':[]")).toolUse().parseCalls());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "'model':7|model|must be a string",
        "'temperature':2.5|temperature|between 0 and 2",
        "'temperature':-0.1|temperature|between 0 and 2",
        "'temperature':'hot'|temperature|temperature must be a number",
        "'top_p':0|top_p|greater than 0",
        "'top_p':1.01|top_p|between 0 and 1",
        "'top_k':0|top_k|-1 (off) or at least 1",
        "'top_k':-2|top_k|at least -1",
        "'top_k':2.5|top_k|must be an integer",
        "'min_p':1.5|min_p|between 0 and 1",
        "'presence_penalty':2.1|presence_penalty|between -2 and 2",
        "'frequency_penalty':-3|frequency_penalty|between -2 and 2",
        "'repetition_penalty':0|repetition_penalty|greater than 0",
        "'repetition_penalty':-1|repetition_penalty|greater than 0, got -1",
        "'seed':1.5|seed|must be an integer",
        "'seed':'7'|seed|must be an integer",
        "'seed':100000000000000000000000|seed|out of range",
        "'n':0|n|between 1 and 16",
        "'n':17|n|between 1 and 16",
        "'n':'2'|n|must be an integer",
        "'max_tokens':0|max_tokens|at least 1",
        "'max_completion_tokens':-5|max_completion_tokens|at least 1",
        "'max_tokens':1e3|max_tokens|must be an integer",
        "'stream':'yes'|stream|must be a boolean",
        "'stream_options':{'include_usage':true}|stream_options|only allowed when stream is true",
        "'stream':true,'stream_options':{'include_usage':1}|stream_options.include_usage|must be a boolean",
        "'stream':true,'stream_options':[]|stream_options|must be an object",
        "'stop':['a','b','c','d','e']|stop|at most 4",
        "'stop':''|stop|must not be empty",
        "'stop':['a','']|stop[1]|must not be empty",
        "'stop':[1]|stop[0]|must be a string",
        "'stop':{'a':1}|stop|string or an array",
        "'logprobs':'yes'|logprobs|must be a boolean",
        "'top_logprobs':2|top_logprobs|requires logprobs",
        "'logprobs':false,'top_logprobs':2|top_logprobs|requires logprobs",
        "'logprobs':true,'top_logprobs':21|top_logprobs|between 0 and 20",
        "'user':5|user|must be a string",
        "'chat_template_kwargs':'x'|chat_template_kwargs|must be an object",
        "'chat_template_kwargs':{'messages':[]}|chat_template_kwargs.messages|may not set",
        "'chat_template_kwargs':{'add_generation_prompt':false}|chat_template_kwargs.add_generation_prompt|may not set",
        "'tools':{}|tools|must be an array",
        "'tools':[1]|tools[0]|must be an object",
        "'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'required','guided_regex':'a'|guided_regex|cannot be combined",
        "'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':{'type':'function','function':{'name':'g'}}|tool_choice.function.name|'g' is not one of tools",
        "'tool_choice':'required'|tool_choice|needs tools",
        "'tool_choice':{'type':'function'}|tool_choice.function|is required",
        "'tool_choice':{'type':'tool','function':{'name':'f'}}|tool_choice.type|must be \"function\"",
        "'tool_choice':3|tool_choice|must be a string or an object",
        "'tools':[{'type':'code','function':{'name':'f'}}]|tools[0].type|must be \"function\"",
        "'tools':[{'function':{'name':'f'}}]|tools[0].type|is required",
        "'tools':[{'type':'function'}]|tools[0].function|is required",
        "'tools':[{'type':'function','function':{}}]|tools[0].function.name|is required",
        "'tools':[{'type':'function','function':{'name':'get weather'}}]|tools[0].function.name|1 to 64 letters",
        "'tools':[{'type':'function','function':{'name':'f'}},{'type':'function','function':{'name':'f'}}]|tools[1].function.name|declared twice",
        "'tools':[{'type':'function','function':{'name':'f','description':1}}]|tools[0].function.description|must be a string",
        "'tools':[{'type':'function','function':{'name':'f','parameters':[]}}]|tools[0].function.parameters|must be an object",
        "'tools':[{'type':'function','function':{'name':'f','parameters':{'type':1}}}]|tools[0].function.parameters.type|must be a string",
        "'parallel_tool_calls':'yes'|parallel_tool_calls|must be a boolean",
        "'tool_choice':'maybe'|tool_choice|must be",
        "'response_format':{'type':'xml'}|response_format.type|must be \"text\", \"json_object\" or \"json_schema\"",
        "'response_format':{'type':'json_schema'}|response_format.json_schema|is required",
        "'response_format':{'type':'json_schema','json_schema':{}}|response_format.json_schema.name|is required",
        "'response_format':{'type':'json_schema','json_schema':{'name':'a b'}}|response_format.json_schema.name|1 to 64",
        "'response_format':{'type':'json_schema','json_schema':{'name':'x','schema':[]}}|response_format.json_schema.schema|must be an object",
        "'response_format':{'type':'json_schema','json_schema':{'name':'x','strict':'yes'}}|response_format.json_schema.strict|must be a boolean",
        "'response_format':{'type':'json_schema','json_schema':{'name':'x','description':1}}|response_format.json_schema.description|must be a string",
        "'response_format':{'type':'json_object'},'guided_regex':'a'|guided_regex|at most one of",
        "'guided_json':{},'guided_choice':['a']|guided_choice|at most one of",
        "'guided_choice':[]|guided_choice|non-empty array",
        "'guided_choice':['a',1]|guided_choice[1]|must be a string",
        "'guided_regex':''|guided_regex|non-empty string",
        "'guided_json':'[1]'|guided_json|must be a JSON schema",
        "'response_format':{}|response_format.type|is required",
        "'logit_bias':{'50256':-100}|logit_bias|not supported",
        "'logit_bias':[1]|logit_bias|must be an object",
        "'functions':[{'name':'f'}]|functions|not supported",
        "'audio':{'voice':'alloy','format':'wav'}|audio|not supported",
        "'modalities':['text','audio']|modalities|only the text modality",
    })
    void wrongTypesAndValuesAreRejectedNamingTheField(String fields, String param, String message) {
        assertRejected(ChatCompletionRequest::parse, chat(fields), param, message);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{'messages':[{'role':'user','content':'hi'}]}|model|model is required",
        "{'model':'','messages':[{'role':'user','content':'hi'}]}|model|must not be empty",
        "{'model':'m'}|messages|messages is required",
        "{'model':'m','messages':'hi'}|messages|must be an array",
        "{'model':'m','messages':[]}|messages|at least one message",
        "{'model':'m','messages':['hi']}|messages[0]|must be an object",
        "{'model':'m','messages':[{'content':'hi'}]}|messages[0].role|is required",
        "{'model':'m','messages':[{'role':'user','content':'a'},{'role':'robot','content':'b'}]}|messages[1].role|got 'robot'",
        "{'model':'m','messages':[{'role':'function','content':'x'}]}|messages[0].role|must be one of",
        "{'model':'m','messages':[{'role':'user'}]}|messages[0].content|is required",
        "{'model':'m','messages':[{'role':'assistant','content':null}]}|messages[0].content|unless the message has tool_calls",
        "{'model':'m','messages':[{'role':'user','content':5}]}|messages[0].content|string or an array of text parts",
        "{'model':'m','messages':[{'role':'user','content':[{'type':'text','text':'a'},{'type':'image_url','image_url':{'url':'http://x'}}]}]}|messages[0].content[1].type|'image_url' are not supported",
        "{'model':'m','messages':[{'role':'user','content':[{'type':'text'}]}]}|messages[0].content[0].text|is required",
        "{'model':'m','messages':[{'role':'user','content':['a']}]}|messages[0].content[0]|must be an object",
        "{'model':'m','messages':[{'role':'user','content':'x','tool_calls':[]}]}|messages[0].tool_calls|only allowed in assistant",
        "{'model':'m','messages':[{'role':'assistant','content':'x','tool_calls':[5]}]}|messages[0].tool_calls[0]|must be an object",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'type':'function','function':{'name':'f','arguments':'{}'}}]}]}|messages[0].tool_calls[0].id|is required",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'id':'c','function':{'arguments':'{}'}}]}]}|messages[0].tool_calls[0].function.name|is required",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'id':'c','function':{'name':'f'}}]}]}|messages[0].tool_calls[0].function.arguments|is required",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'id':'c','function':{'name':'f','arguments':'{oops'}}]}]}|messages[0].tool_calls[0].function.arguments|not valid JSON",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'id':'c','function':{'name':'f','arguments':'[1]'}}]}]}|messages[0].tool_calls[0].function.arguments|must be a JSON object",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'id':'c','type':'x','function':{'name':'f','arguments':'{}'}}]}]}|messages[0].tool_calls[0].type|must be \"function\"",
        "{'model':'m','messages':[{'role':'user','content':'x','name':1}]}|messages[0].name|must be a string",
        "{'model':'m','messages':[{'role':'tool','content':'x','tool_call_id':[]}]}|messages[0].tool_call_id|must be a string",
        "{'model':'m','messages':[{'role':'user','content':'q'},{'role':'tool','content':'42'}]}|messages[1].tool_call_id|required in tool messages",
        "{'model':'m','messages':[{'role':'tool','content':'42','tool_call_id':null}]}|messages[0].tool_call_id|required in tool messages",
    })
    void badMessagesAreRejectedNamingTheMessageAndField(String body, String param, String message) {
        assertRejected(ChatCompletionRequest::parse, body, param, message);
    }

    @Test
    void aBodyThatIsNotAnObjectIsRejected() {
        assertRejected(ChatCompletionRequest::parse, "[1,2]", null, "must be a JSON object");
        assertRejected(ChatCompletionRequest::parse, "'text'", null, "must be a JSON object");
    }
}
