package dev.scion.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK pointed at Scion, as a user would use it. */
class OpenAiSdkTest {
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

    static ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder().model(TestServers.modelId())
                .addSystemMessage("Be brief.").addUserMessage("Hello there").temperature(0.0).maxCompletionTokens(10);
    }

    @Test
    void chatAndStreamingAgree() {
        ChatCompletion answer = client.chat().completions().create(chat().build());
        String content = answer.choices().get(0).message().content().orElseThrow();
        assertFalse(content.isEmpty());
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, answer.choices().get(0).finishReason());
        assertEquals(10, answer.usage().orElseThrow().completionTokens());

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat().build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(
                    c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertEquals(content, streamed.toString());
    }

    @Test
    void completionsAndModels() {
        Completion completion = client.completions().create(CompletionCreateParams.builder()
                .model(TestServers.modelId()).prompt("Once upon a time").maxTokens(6L).temperature(0.0).build());
        assertEquals(6, completion.usage().orElseThrow().completionTokens());
        List<Model> models = client.models().list().data();
        assertEquals(1, models.size());
        assertEquals(TestServers.modelId(), models.get(0).id());
        assertEquals(TestServers.modelId(), client.models().retrieve(TestServers.modelId()).id());
    }

    @Test
    void errorsMapToTheSdkExceptions() {
        NotFoundException unknownModel = assertThrows(NotFoundException.class,
                () -> client.chat().completions().create(chat().model("no-such-model").build()));
        assertEquals(404, unknownModel.statusCode());
        assertTrue(unknownModel.getMessage().contains("no-such-model"), unknownModel.getMessage());
        BadRequestException tooHot = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat().temperature(5.0).build()));
        assertEquals(400, tooHot.statusCode());
        OpenAIClient wrongKey = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("nope").maxRetries(0).build();
        try {
            assertThrows(UnauthorizedException.class, () -> wrongKey.models().list());
        } finally {
            wrongKey.close();
        }
    }
}
