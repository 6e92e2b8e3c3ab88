package dev.scion.engine.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real templates: the Qwen3 fixture against transformers' renders, ChatML and a Llama-3-style template. */
class ChatTemplateFixtureTest {
  private static final Path QWEN3 = Path.of("src/test/resources/fixtures/qwen3-tokenizer");

  private static ChatTemplate qwen3() throws IOException {
    return ChatTemplate.fromTokenizerConfig(QWEN3.resolve("tokenizer_config.json"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void qwen3RendersAllFixtureCasesExactly() throws IOException {
    List<Map<String, Object>> cases = new ObjectMapper().readValue(
        QWEN3.resolve("chat_template_cases.json").toFile(), List.class);
    assertEquals(6, cases.size());
    ChatTemplate template = qwen3();
    for (Map<String, Object> c : cases) {
      String rendered = template.apply((List<Map<String, Object>>) c.get("messages"),
          (List<Map<String, Object>>) c.get("tools"), true, Map.of());
      assertEquals(c.get("expected"), rendered, "case " + c.get("name"));
    }
  }

  @Test
  void qwen3DropsReasoningOfEarlierTurnsAndClosesThinkingWhenDisabled() throws IOException {
    List<Map<String, Object>> messages = List.of(
        Map.of("role", "user", "content", "Q1"),
        Map.of("role", "assistant", "content", "<think>\nreason one\n</think>\n\nA1"),
        Map.of("role", "user", "content", "Q2"));
    String rendered = qwen3().apply(messages, null, true, Map.of("enable_thinking", false));
    assertEquals("<|im_start|>user\nQ1<|im_end|>\n"
        + "<|im_start|>assistant\nA1<|im_end|>\n"
        + "<|im_start|>user\nQ2<|im_end|>\n"
        + "<|im_start|>assistant\n<think>\n\n</think>\n\n", rendered);
  }

  @Test
  void qwen3KeepsReasoningOfTheTurnAfterTheLastQuery() throws IOException {
    List<Map<String, Object>> messages = List.of(
        Map.of("role", "user", "content", "Q1"),
        Map.of("role", "assistant", "content", "<think>\nreason one\n</think>\n\nA1"));
    assertEquals("<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\n<think>\nreason one\n</think>\n\nA1<|im_end|>\n",
        qwen3().apply(messages, null, false, Map.of()));
  }

  @Test
  void qwen3ToolCallsToolResponsesAndReasoningContent() throws IOException {
    List<Map<String, Object>> messages = List.of(
        Map.of("role", "system", "content", "Sys"),
        Map.of("role", "user", "content", "Q1"),
        Map.of("role", "assistant", "content", "", "tool_calls", List.of(
            Map.of("type", "function", "function", Map.of("name", "get_weather", "arguments", Map.of("city", "Paris"))),
            Map.of("function", Map.of("name", "x", "arguments", "{\"a\": 1}")))),
        Map.of("role", "tool", "content", "sunny"),
        Map.of("role", "tool", "content", "rain"),
        Map.of("role", "assistant", "content", "It is sunny.", "reasoning_content", "looked it up"));
    // tojson keeps insertion order, so the tool is built in a defined order (Map.of has none).
    List<Map<String, Object>> tools = List.of(Render.vars("type", "function", "function", Map.of("name", "get_weather")));
    assertEquals("<|im_start|>system\nSys\n\n# Tools\n\nYou may call one or more functions to assist with the user "
        + "query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
        + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}\n</tools>\n\nFor each function call, "
        + "return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
        + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
        + "<|im_start|>user\nQ1<|im_end|>\n"
        + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
        + "</tool_call>\n<tool_call>\n{\"name\": \"x\", \"arguments\": {\"a\": 1}}\n</tool_call><|im_end|>\n"
        + "<|im_start|>user\n<tool_response>\nsunny\n</tool_response>\n<tool_response>\nrain\n</tool_response>"
        + "<|im_end|>\n"
        + "<|im_start|>assistant\n<think>\nlooked it up\n</think>\n\nIt is sunny.<|im_end|>\n"
        + "<|im_start|>assistant\n", qwen3().apply(messages, tools, true, Map.of()));
  }

  @Test
  void absentToolsArePassedAsNoneLikeTransformers() {
    // transformers always calls render(tools=None, documents=None, ...): templates written as
    // "tools is not none" must see None, not an undefined name.
    ChatTemplate t = ChatTemplate.parse("{{ tools is none }}|{{ tools is defined }}|{{ documents is none }}|"
        + "{{ add_generation_prompt }}|{{ enable_thinking }}|{{ messages|length }}");
    assertEquals("True|True|True|False|False|1",
        t.apply(List.of(Map.of("role", "user", "content", "x")), null, false, Map.of("enable_thinking", false)));
    assertEquals("False|True|True|True||0", t.apply(List.of(), List.of(), true, null));
  }

  @Test
  void chatMl() {
    ChatTemplate chatMl = ChatTemplate.parse("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
        + " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
        + "{{ '<|im_start|>assistant\\n' }}{% endif %}");
    List<Map<String, Object>> messages = List.of(Map.of("role", "system", "content", "S"),
        Map.of("role", "user", "content", "Hi"));
    assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        chatMl.apply(messages, null, true, Map.of()));
    assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
        chatMl.apply(messages, null, false, Map.of()));
  }

  private static final String LLAMA3_STYLE = "{{ bos_token }}\n"
      + "{% if messages[0]['role'] == 'system' %}\n"
      + "    {% set offset = 1 %}\n"
      + "    {{ '<|start_header_id|>system<|end_header_id|>\\n\\n' + messages[0]['content'] | trim + '<|eot_id|>' }}\n"
      + "{% else %}\n"
      + "    {% set offset = 0 %}\n"
      + "{% endif %}\n"
      + "{% for message in messages[offset:] %}\n"
      + "    {% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n"
      + "        {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}\n"
      + "    {% endif %}\n"
      + "    {{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}\n"
      + "    {{ message['content'] | trim }}{{ '<|eot_id|>' }}\n"
      + "{% endfor %}\n"
      + "{% if add_generation_prompt %}\n"
      + "    {{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n"
      + "{% endif %}\n";

  @Test
  void llama3Style() {
    ChatTemplate llama = ChatTemplate.parse(LLAMA3_STYLE);
    List<Map<String, Object>> messages = List.of(Map.of("role", "system", "content", " Be brief. "),
        Map.of("role", "user", "content", "Hi\n"), Map.of("role", "assistant", "content", "Hello"));
    // lstrip_blocks removes indentation only before {% tags and trim_blocks only the newline after them, so the
    // {{ ... }} lines keep their four spaces and their newline.
    assertEquals("<|begin_of_text|>\n"
        + "    <|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>\n"
        + "    <|start_header_id|>user<|end_header_id|>\n\n\n"
        + "    Hi<|eot_id|>\n"
        + "    <|start_header_id|>assistant<|end_header_id|>\n\n\n"
        + "    Hello<|eot_id|>\n"
        + "    <|start_header_id|>assistant<|end_header_id|>\n\n\n",
        llama.apply(messages, null, true, Map.of("bos_token", "<|begin_of_text|>")));
  }

  @Test
  void llama3StyleRejectsBadAlternationWithTheTemplatesMessage() {
    ChatTemplate llama = ChatTemplate.parse(LLAMA3_STYLE);
    List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", "a"),
        Map.of("role", "user", "content", "b"));
    TemplateException e = assertThrows(TemplateException.class, () -> llama.apply(messages, null, true, Map.of()));
    assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.getMessage());
    assertTrue(e.raisedByTemplate());
    assertEquals(10, e.line());
  }

  @Test
  void readsTemplateListDefaultAndTokenObjects(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"},"
        + " {\"name\": \"default\", \"template\": \"{{ bos_token }}|{{ eos_token }}|{{ unk_token is defined }}\"}],"
        + " \"bos_token\": {\"content\": \"<s>\", \"lstrip\": false}, \"eos_token\": \"</s>\", \"unk_token\": null}");
    assertEquals("<s>|</s>|False", ChatTemplate.fromTokenizerConfig(config).render(Map.of()));
  }

  @Test
  void configErrorsNameTheFile(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("no_template.json");
    Files.writeString(missing, "{\"eos_token\": \"</s>\"}");
    IOException e = assertThrows(IOException.class, () -> ChatTemplate.fromTokenizerConfig(missing));
    assertTrue(e.getMessage().contains("no_template.json") && e.getMessage().contains("chat_template"),
        e.getMessage());

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"chat_template\": \"x\\n{% if %}\"}");
    TemplateException t = assertThrows(TemplateException.class, () -> ChatTemplate.fromTokenizerConfig(broken));
    assertTrue(t.getMessage().startsWith(broken + ": chat_template: "), t.getMessage());
    assertEquals(2, t.line());
    assertEquals(7, t.column());

    Path truncated = dir.resolve("truncated.json");
    Files.writeString(truncated, "{\"chat_template\": \"x");
    IOException io = assertThrows(IOException.class, () -> ChatTemplate.fromTokenizerConfig(truncated));
    assertTrue(io.getMessage().contains("truncated.json"), io.getMessage());
  }
}
