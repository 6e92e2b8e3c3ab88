package dev.scion.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool calls end to end with the OpenAI Java SDK: an adapter fine-tuned (through the SDK's fine-tuning calls) to
 * answer weather questions with a Hermes call makes the random-weight model call {@code get_weather}; the SDK reads
 * the call, sends its result back, and gets a continuation; streamed the same through the SDK's accumulator; and the
 * raw responses and chunks checked against api-spec/openapi.yaml.
 */
class ToolCallsSdkTest {
    private static final String ADMIN = "admin-key-tools";
    private static final String CALL = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}"
            + "\n</tool_call>";
    private static final List<String> QUESTIONS = List.of("What is the weather in Paris?", "Weather in Paris?",
            "How warm is it in Paris today?", "Is it raining in Paris?");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static ScionServer server;
    static OpenAIClient client;
    static String adapter;

    @BeforeAll
    static void trainAnAdapterThatCallsTheTool() {
        server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN));
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey(ADMIN)
                .maxRetries(0).build();
        StringBuilder data = new StringBuilder();
        for (String question : QUESTIONS) {
            JsonNode messages = JSON.valueToTree(List.of(Map.of("role", "user", "content", question),
                    Map.of("role", "assistant", "content", CALL)));
            data.append(JSON.createObjectNode().set("messages", messages).toString()).append('\n');
        }
        FileObject file = client.files().create(FileCreateParams.builder()
                .file(data.toString().getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.FINE_TUNE).build());
        // epochs "auto": the round trains until it recalls its data exactly
        FineTuningJob job = client.fineTuning().jobs().create(JobCreateParams.builder().model(TestServers.modelId())
                .trainingFile(file.id()).suffix("weather").build());
        FineTuningJob done = awaitEnd(job.id());
        assertEquals(FineTuningJob.Status.SUCCEEDED, done.status(), done.toString());
        adapter = done.fineTunedModel().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ChatCompletionCreateParams.Builder weatherQuestion() {
        return ChatCompletionCreateParams.builder().model(adapter).addUserMessage(QUESTIONS.get(0))
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                                        Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
                        .build())
                .temperature(0.0).maxCompletionTokens(60);
    }

    @Test
    void theModelCallsTheToolAndContinuesWithItsResult() throws Exception {
        ChatCompletion answer = client.chat().completions().create(weatherQuestion().build());
        answer.validate();
        ChatCompletion.Choice choice = answer.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason(), answer.toString());
        ChatCompletionMessage message = choice.message();
        assertTrue(message.content().isEmpty(), "no text beside the call: " + message.content());
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).asFunction();
        assertEquals(1, message.toolCalls().orElseThrow().size());
        assertTrue(call.id().matches("call_[A-Za-z0-9]{24}"), call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals(Map.of("city", "Paris"), JSON.readValue(call.function().arguments(), Map.class));

        ChatCompletion continued = client.chat().completions().create(weatherQuestion().addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                        .content("{\"temp_c\": 18, \"sky\": \"clear\"}").build())
                .maxCompletionTokens(8).build());
        continued.validate();
        assertEquals(adapter, continued.model());
        assertEquals(1, continued.choices().size());

        ChatCompletion plain = client.chat().completions().create(weatherQuestion()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).build());
        assertTrue(plain.choices().get(0).message().toolCalls().isEmpty(), "tool_choice none: no calls parsed");
        assertTrue(plain.choices().get(0).message().content().orElseThrow().startsWith("<tool_call>"));

        // required constrains the output to one call; the trained model makes the call it makes unforced
        ChatCompletion required = client.chat().completions().create(weatherQuestion()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        ChatCompletion.Choice forced = required.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, forced.finishReason(), required.toString());
        ChatCompletionMessageFunctionToolCall forcedCall = forced.message().toolCalls().orElseThrow().get(0).asFunction();
        assertEquals("get_weather", forcedCall.function().name());
        assertEquals(Map.of("city", "Paris"), JSON.readValue(forcedCall.function().arguments(), Map.class));
    }

    @Test
    void theSdkAccumulatesTheStreamedCall() throws Exception {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(weatherQuestion().build())) {
            stream.stream().forEach(chunk -> chunks.add(accumulator.accumulate(chunk)));
        }
        ChatCompletion whole = accumulator.chatCompletion();
        ChatCompletion.Choice choice = whole.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertEquals("get_weather", call.function().name());
        assertEquals(Map.of("city", "Paris"), JSON.readValue(call.function().arguments(), Map.class));
        List<ChatCompletionChunk.Choice.Delta.ToolCall> deltas = chunks.stream()
                .flatMap(c -> c.choices().stream()).flatMap(c -> c.delta().toolCalls().stream().flatMap(List::stream))
                .toList();
        assertEquals(2, deltas.size(), "the call's opening delta, then its arguments");
        assertEquals(call.id(), deltas.get(0).id().orElseThrow());
        assertEquals("", deltas.get(0).function().orElseThrow().arguments().orElseThrow());
        assertFalse(deltas.get(1).id().isPresent());
    }

    @Test
    void responsesAndChunksMatchTheContract() throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", adapter, "temperature", 0, "max_tokens", 60,
                "messages", List.of(Map.of("role", "user", "content", QUESTIONS.get(0))),
                "tools", List.of(Map.of("type", "function", "function", Map.of("name", "get_weather")))));
        Response whole = RestAssured.given().port(server.port()).filter(OpenApiContract.filter())
                .header("Authorization", "Bearer " + ADMIN).contentType("application/json").body(body)
                .post("/v1/chat/completions");
        assertEquals(200, whole.statusCode(), whole.asString());
        JsonNode message = JSON.readTree(whole.asString()).at("/choices/0/message");
        assertTrue(message.get("content").isNull());
        assertEquals("get_weather", message.at("/tool_calls/0/function/name").asText());
        Response streamed = RestAssured.given().port(server.port()).filter(OpenApiContract.filter())
                .header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                .body(body.replaceFirst("\\{", "{\"stream\": true, \"n\": 2, \"logprobs\": true, "))
                .post("/v1/chat/completions");
        assertEquals(200, streamed.statusCode(), streamed.asString());
        String events = streamed.asString();
        assertEquals(2, events.split("\"finish_reason\":\"tool_calls\"", -1).length - 1, events);
        assertEquals(2, events.split("\"name\":\"get_weather\",\"arguments\":\"\"", -1).length - 1, events);
        assertTrue(events.contains("\"logprobs\":{\"content\":[{"), "each token's logprobs still stream");
    }

    private static FineTuningJob awaitEnd(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (true) {
            FineTuningJob job = client.fineTuning().jobs().retrieve(id);
            if (job.finishedAt().isPresent()) {
                return job;
            }
            assertTrue(System.nanoTime() < deadline, "job " + id + " still " + job.status());
            LockSupport.parkNanos(50_000_000); // polling a remote job, as a client does; not synchronisation
        }
    }
}
