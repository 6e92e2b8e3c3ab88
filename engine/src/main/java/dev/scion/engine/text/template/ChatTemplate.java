package dev.scion.engine.text.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template, rendered as transformers' {@code apply_chat_template} does: Jinja2 in a sandbox with
 * {@code trim_blocks}, {@code lstrip_blocks} and the loop-control extension, plus {@code raise_exception} and
 * {@code strftime_now}. Thread-safe: a parsed template is immutable and every render has its own state.
 */
public final class ChatTemplate {
  private static final List<String> SPECIAL_TOKENS = List.of("bos_token", "eos_token", "unk_token", "sep_token",
      "pad_token", "cls_token", "mask_token");

  private final List<Node> body;
  private final Map<String, Object> specialTokens;
  private final Clock clock;
  private final long maxSteps;

  private ChatTemplate(List<Node> body, Map<String, Object> specialTokens, Clock clock, long maxSteps) {
    this.body = body;
    this.specialTokens = specialTokens;
    this.clock = clock;
    this.maxSteps = maxSteps;
  }

  /** Parses template source; a syntax error is a {@link TemplateException} with its line and column. */
  public static ChatTemplate parse(String source) {
    return new ChatTemplate(Parser.parse(source), Map.of(), Clock.systemDefaultZone(), Budget.MAX_STEPS);
  }

  /**
   * Reads chat_template (a string, or a list of {name, template} where "default" is used) and the special tokens
   * bos_token/eos_token/pad_token/unk_token (string or {"content": ...} form) from tokenizer_config.json.
   */
  public static ChatTemplate fromTokenizerConfig(Path tokenizerConfigJson) throws IOException {
    JsonNode config;
    try {
      config = new ObjectMapper().readTree(tokenizerConfigJson.toFile());
    } catch (IOException e) {
      throw new IOException(tokenizerConfigJson + ": cannot read tokenizer config: " + e.getMessage(), e);
    }
    if (config == null || !config.isObject()) {
      throw new IOException(tokenizerConfigJson + ": tokenizer config must be a JSON object");
    }
    String source = templateSource(config.get("chat_template"), tokenizerConfigJson);
    List<Node> body;
    try {
      body = Parser.parse(source);
    } catch (TemplateException e) {
      throw new TemplateException(tokenizerConfigJson + ": chat_template: " + e.reason(), e.line(), e.column(), e);
    }
    Map<String, Object> tokens = new LinkedHashMap<>();
    for (String name : SPECIAL_TOKENS) {
      String token = tokenText(config.get(name), name, tokenizerConfigJson);
      if (token != null) {
        tokens.put(name, token);
      }
    }
    JsonNode additional = config.get("additional_special_tokens");
    if (additional != null && additional.isArray()) {
      List<Object> texts = new ArrayList<>();
      for (JsonNode t : additional) {
        texts.add(tokenText(t, "additional_special_tokens", tokenizerConfigJson));
      }
      tokens.put("additional_special_tokens", texts);
    }
    return new ChatTemplate(body, Map.copyOf(tokens), Clock.systemDefaultZone(), Budget.MAX_STEPS);
  }

  private static String templateSource(JsonNode node, Path file) throws IOException {
    if (node == null || node.isNull()) {
      throw new IOException(file + ": no chat_template field");
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isArray()) {
      for (JsonNode entry : node) {
        if ("default".equals(entry.path("name").asText(null)) && entry.path("template").isTextual()) {
          return entry.get("template").asText();
        }
      }
      throw new IOException(file + ": chat_template is a list without a {\"name\": \"default\", \"template\": ...}"
          + " entry");
    }
    throw new IOException(file + ": chat_template must be a string or a list of {name, template}");
  }

  private static String tokenText(JsonNode node, String field, Path file) throws IOException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isObject() && node.path("content").isTextual()) {
      return node.get("content").asText();
    }
    throw new IOException(file + ": " + field + " must be a string or an object with a string \"content\"");
  }

  /** The same template reading the time from {@code clock} (for strftime_now). */
  ChatTemplate withClock(Clock clock) {
    return new ChatTemplate(body, specialTokens, clock, maxSteps);
  }

  /** The same template with a different evaluation step limit. */
  ChatTemplate withMaxSteps(long steps) {
    return new ChatTemplate(body, specialTokens, clock, steps);
  }

  /** Renders with the special tokens read from the config, overridden by {@code variables}. */
  public String render(Map<String, Object> variables) {
    Scope globals = new Scope(null);
    Globals.install(globals, clock);
    Scope context = new Scope(globals);
    // Copied per render like every variable: a template may mutate lists, and this template is shared.
    specialTokens.forEach((name, value) -> context.set(name, Values.fromJava(value, name, 0)));
    for (Map.Entry<String, Object> v : variables.entrySet()) {
      context.set(v.getKey(), Values.fromJava(v.getValue(), v.getKey(), 0));
    }
    Output out = new Output();
    try {
      new Interpreter(new Budget(maxSteps)).run(body, context, out);
    } catch (StackOverflowError e) {
      throw new TemplateException("template recursion is too deep", 0, 0);
    }
    return out.toString();
  }

  /**
   * Renders a conversation. messages: [{role, content, ...}]; tools may be null; extra = e.g. enable_thinking.
   * Like transformers, {@code tools} (and {@code documents}) are always passed, as None when absent, so that
   * templates testing {@code tools is not none} behave as they do in Python.
   */
  public String apply(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                      boolean addGenerationPrompt, Map<String, Object> extra) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("messages", messages);
    variables.put("tools", tools);
    variables.put("documents", null);
    variables.put("add_generation_prompt", addGenerationPrompt);
    if (extra != null) {
      variables.putAll(extra);
    }
    return render(variables);
  }
}
