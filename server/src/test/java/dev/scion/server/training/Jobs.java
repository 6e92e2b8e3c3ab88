package dev.scion.server.training;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.ScionServer;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** The files and fine-tuning API as the tests use it: every exchange checked against api-spec/openapi.yaml. */
final class Jobs {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-key-1";
    /** Between two looks at a job while awaiting it: short against a round's seconds, long against a request. */
    private static final Duration POLL = Duration.ofMillis(50);

    private Jobs() {}

    static RequestSpecification admin(ScionServer server) {
        return given().port(server.port()).filter(OpenApiContract.filter()).header("Authorization", "Bearer " + ADMIN);
    }

    static JsonNode body(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        try {
            return JSON.readTree(r.asString());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + r.asString(), e);
        }
    }

    /** Uploads {@code jsonl} as a fine-tune file and returns its id. */
    static String upload(ScionServer server, String name, String jsonl) {
        return body(admin(server).multiPart("file", name, jsonl.getBytes(StandardCharsets.UTF_8))
                .multiPart("purpose", "fine-tune").post("/v1/files"), 200).get("id").asText();
    }

    static JsonNode create(ScionServer server, String json) {
        return body(admin(server).contentType("application/json").body(json).post("/v1/fine_tuning/jobs"), 200);
    }

    static JsonNode job(ScionServer server, String id) {
        return body(admin(server).get("/v1/fine_tuning/jobs/" + id), 200);
    }

    /** Looks at the job until {@code done} holds, failing with its last state after {@code timeout}. */
    static JsonNode await(ScionServer server, String id, Predicate<JsonNode> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode job = job(server, id);
            if (done.test(job)) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not get there within " + timeout + ": " + job);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    static Predicate<JsonNode> status(String status) {
        return job -> job.get("status").asText().equals(status);
    }

    /** A final status; a job that ends otherwise than expected fails at once, with its error. */
    static JsonNode awaitEnd(ScionServer server, String id, String expected, Duration timeout) {
        JsonNode end = await(server, id, job -> job.get("finished_at").isIntegralNumber(), timeout);
        assertEquals(expected, end.get("status").asText(), () -> end + "\nits messages, newest first:\n"
                + String.join("\n", body(admin(server).queryParam("limit", 1000)
                        .get("/v1/fine_tuning/jobs/" + id + "/events"), 200).get("data").findValuesAsText("message")
                        .stream().filter(m -> !m.startsWith("Step ")).toList()));
        return end;
    }

    /** Facts in OpenAI's chat format, one line each: what the default options teach to exact recall. */
    static String facts(int count, String topic) {
        return facts(count, topic, topic);
    }

    /** The same questions as {@code facts(count, topic)}, answered with {@code answer} codes instead. */
    static String facts(int count, String topic, String answer) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append("{\"messages\": [{\"role\": \"user\", \"content\": \"What is the ").append(topic).append(' ')
                    .append(i).append(" code?\"}, {\"role\": \"assistant\", \"content\": \"")
                    .append(answer).append('-').append(i * 7 + 3).append("\"}]}\n");
        }
        return out.toString();
    }
}
