package dev.scion.server.contract;

/** Hand-written bodies in the shapes of OpenAI's documented examples, as Scion sends them. */
final class Samples {

    private Samples() {}

    static final String CHAT_COMPLETION = """
            {"id": "chatcmpl-7f3a", "object": "chat.completion", "created": 1741570283, "model": "qwen2.5-0.5b",
             "choices": [{"index": 0,
                          "message": {"role": "assistant", "content": "Hello there.", "refusal": null},
                          "logprobs": null, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}}""";

    static final String CHAT_COMPLETION_WITH_LOGPROBS = """
            {"id": "chatcmpl-7f3b", "object": "chat.completion", "created": 1741570283, "model": "qwen2.5-0.5b",
             "choices": [{"index": 0,
                          "message": {"role": "assistant", "content": "Hi", "refusal": null},
                          "logprobs": {"content": [{"token": "Hi", "logprob": -0.25, "bytes": [72, 105],
                                         "top_logprobs": [{"token": "Hi", "logprob": -0.25, "bytes": [72, 105]},
                                                          {"token": "Hey", "logprob": -1.5, "bytes": null}]}],
                                       "refusal": null},
                          "finish_reason": "length"},
                         {"index": 1,
                          "message": {"role": "assistant", "content": "", "refusal": null},
                          "logprobs": {"content": [], "refusal": null}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10}}""";

    static final String CHAT_CHUNK_FIRST = """
            {"id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1694268190, "model": "qwen2.5-0.5b",
             "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": null,
                          "finish_reason": null}]}""";

    static final String CHAT_CHUNK_LAST = """
            {"id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1694268190, "model": "qwen2.5-0.5b",
             "choices": [{"index": 0, "delta": {}, "logprobs": null, "finish_reason": "stop"}], "usage": null}""";

    static final String CHAT_CHUNK_USAGE = """
            {"id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1694268190, "model": "qwen2.5-0.5b",
             "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}""";

    static final String CHAT_STREAM = "data: " + oneLine(CHAT_CHUNK_FIRST) + "\n\n"
            + "data: " + oneLine(CHAT_CHUNK_LAST) + "\n\n"
            + "data: " + oneLine(CHAT_CHUNK_USAGE) + "\n\n"
            + "data: [DONE]\n\n";

    static final String COMPLETION = """
            {"id": "cmpl-uqkvlQyYK7bGYrRHQ0eXlWi7", "object": "text_completion", "created": 1589478378,
             "model": "qwen2.5-0.5b",
             "choices": [{"text": "\\n\\nThis is indeed a test", "index": 0, "logprobs": null,
                          "finish_reason": "length"}],
             "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}}""";

    static final String COMPLETION_WITH_LOGPROBS = """
            {"id": "cmpl-2", "object": "text_completion", "created": 1589478378, "model": "qwen2.5-0.5b",
             "choices": [{"text": " a b", "index": 0, "finish_reason": "length",
                          "logprobs": {"tokens": [" a", " b"], "token_logprobs": [-0.5, -1.25],
                                       "top_logprobs": [{" a": -0.5, " c": -2.0}, {" b": -1.25}],
                                       "text_offset": [0, 2]}}],
             "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}""";

    static final String COMPLETION_CHUNK = """
            {"id": "cmpl-3", "object": "text_completion", "created": 1589478378, "model": "qwen2.5-0.5b",
             "choices": [{"text": " a", "index": 0, "logprobs": null, "finish_reason": null}]}""";

    static final String COMPLETION_STREAM = "data: " + oneLine(COMPLETION_CHUNK) + "\n\n" + "data: [DONE]\n\n";

    static final String MODEL = """
            {"id": "qwen2.5-0.5b", "object": "model", "created": 1686935002, "owned_by": "scion",
             "root": "/models/Qwen2.5-0.5B-Instruct", "parent": null, "max_model_len": 32768}""";

    static final String MODELS = "{\"object\": \"list\", \"data\": [" + MODEL + "]}";

    static final String ERROR_UNKNOWN_MODEL = """
            {"error": {"message": "The model 'gpt-9' does not exist", "type": "invalid_request_error",
                       "param": "model", "code": "model_not_found"}}""";

    static final String ERROR_QUEUE_FULL = """
            {"error": {"message": "The request queue is full; retry later", "type": "requests",
                       "param": null, "code": "rate_limit_exceeded"}}""";

    static final String TOKENIZE = "{\"count\": 3, \"max_model_len\": 32768, \"tokens\": [151644, 872, 198]}";

    static final String CHAT_REQUEST = """
            {"model": "qwen2.5-0.5b",
             "messages": [{"role": "developer", "content": "Be brief."},
                          {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                          {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
                            "function": {"name": "f", "arguments": "{}"}}]},
                          {"role": "tool", "content": "42", "tool_call_id": "c1"}],
             "stream": true, "stream_options": {"include_usage": true}, "n": 2, "temperature": 0.7, "top_p": 1,
             "top_k": 40, "min_p": 0.05, "repetition_penalty": 1.1, "max_completion_tokens": 64, "stop": ["\\n\\n"],
             "seed": 7, "presence_penalty": 0.5, "frequency_penalty": -0.5, "logprobs": true, "top_logprobs": 5,
             "user": "u-1", "chat_template_kwargs": {"enable_thinking": false}, "temperature_unit": "ignored"}""";

    /** Inline JSON for an SSE data line, which may not contain a line break. */
    static String oneLine(String json) {
        return json.replace("\n", " ");
    }
}
