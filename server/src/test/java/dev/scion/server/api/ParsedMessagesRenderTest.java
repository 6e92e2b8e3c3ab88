package dev.scion.server.api;

import static dev.scion.server.api.Requests.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scion.engine.text.template.ChatTemplate;
import org.junit.jupiter.api.Test;

/** Parsed requests feed the engine's real chat template: the plain Java values must be what templates expect. */
class ParsedMessagesRenderTest {

    private static final ChatTemplate TEMPLATE = ChatTemplate.parse(
            "{%- if tools %}<tools>{% for t in tools %}{{ t.function.name }};{% endfor %}</tools>{% endif %}"
            + "{%- for m in messages %}<|{{ m.role }}|>{{ m.content if m.content is not none else '' }}"
            + "{%- if m.tool_calls %}{% for c in m.tool_calls %}[call {{ c.function.name }}]{% endfor %}{% endif %}"
            + "{%- if m.tool_call_id %}(for {{ m.tool_call_id }}){% endif %}|{% endfor %}"
            + "{%- if add_generation_prompt %}<|assistant|>{% if enable_thinking is false %}<think></think>"
            + "{% endif %}{% endif %}");

    @Test
    void aChatRequestRendersWithItsToolsKwargsAndConvertedMessages() {
        ChatCompletionRequest r = ChatCompletionRequest.parse(json("{'model':'m','messages':["
                + "{'role':'developer','content':'Be brief.'},"
                + "{'role':'user','content':[{'type':'text','text':'Hi'},{'type':'text','text':'there'}]},"
                + "{'role':'assistant','content':null,'tool_calls':[{'id':'c1','type':'function',"
                + "'function':{'name':'clock','arguments':'{}'}}]},"
                + "{'role':'tool','tool_call_id':'c1','content':'noon'}],"
                + "'tools':[{'type':'function','function':{'name':'clock'}}],"
                + "'chat_template_kwargs':{'enable_thinking':false}}"));
        String prompt = TEMPLATE.apply(r.messages(), r.tools(), true, r.chatTemplateKwargs());
        assertEquals("<tools>clock;</tools><|system|>Be brief.|<|user|>Hi\nthere|<|assistant|>[call clock]|"
                + "<|tool|>noon(for c1)|<|assistant|><think></think>", prompt);
    }

    @Test
    void aTokenizeRequestRendersWithoutAGenerationPromptWhenAskedTo() {
        TokenizeRequest r = TokenizeRequest.parse(json("{'model':'m','messages':[{'role':'user','content':'Hi'}],"
                + "'add_generation_prompt':false}"));
        assertEquals("<|user|>Hi|", TEMPLATE.apply(r.messages(), r.tools(), r.addGenerationPrompt(),
                r.chatTemplateKwargs()));
    }
}
