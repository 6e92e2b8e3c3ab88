package dev.scion.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI Java SDK's structured outputs against Scion: the random-weight model answers in the schema's shape. */
class StructuredOutputsSdkTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static ScionServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().apiKeys(List.of("sdk-key")));
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("sdk-key")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    static ChatCompletionCreateParams.Builder question() {
        return ChatCompletionCreateParams.builder().model(TestServers.modelId()).addUserMessage("Describe a colour.")
                .temperature(1.0).maxCompletionTokens(120);
    }

    @Test
    void aJsonSchemaResponseFormatIsAnsweredInItsShape() throws Exception {
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(
                ResponseFormatJsonSchema.JsonSchema.builder().name("colour").strict(true)
                        .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                        "name", Map.of("enum", List.of("red", "green", "blue")),
                                        "bright", Map.of("type", "boolean"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("name", "bright")))
                                .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build())
                        .build()).build();
        ChatCompletion answer = client.chat().completions().create(question().responseFormat(format).n(4).seed(1L)
                .build());
        answer.validate();
        int finished = 0;
        for (ChatCompletion.Choice choice : answer.choices()) {
            if (ChatCompletion.Choice.FinishReason.STOP.equals(choice.finishReason())) {
                finished++;
                JsonNode value = JSON.readTree(choice.message().content().orElseThrow());
                assertEquals(Set.of("name", "bright"), Set.copyOf(JSON.convertValue(value, Map.class).keySet()));
                assertTrue(Set.of("red", "green", "blue").contains(value.get("name").asText()), value.toString());
                assertTrue(value.get("bright").isBoolean(), value.toString());
            }
        }
        assertTrue(finished >= 2, finished + " of 4 finished by themselves: " + answer.choices());
    }

    /** What the SDK derives a schema from: a plain class. */
    public static class Colour {
        public String name;
        public boolean bright;
        public int shade;
    }

    @Test
    void theSdksClassDerivedSchemaComesBackAsInstances() {
        StructuredChatCompletion<Colour> answer = client.chat().completions().create(question()
                .responseFormat(Colour.class).maxCompletionTokens(200).n(6).seed(2L).build());
        int finished = 0;
        for (var choice : answer.choices()) {
            if (ChatCompletion.Choice.FinishReason.STOP.equals(choice.finishReason())) {
                finished++;
                Colour colour = choice.message().content().orElseThrow(); // the SDK parses it: throws if off shape
                assertTrue(colour.name != null, "name is required by the derived schema");
            } else {
                assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, choice.finishReason());
            }
        }
        assertTrue(finished >= 1, finished + " of 6 finished by themselves");
    }
}
