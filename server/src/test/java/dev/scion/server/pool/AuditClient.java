package dev.scion.server.pool;

import dev.scion.server.Conditions;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the audit-log tests share: adapters to publish, requests checked against the contract, a bounded wait. */
final class AuditClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private AuditClient() {}

    /** A small valid PEFT folder for the embedded model, written under {@code dir}. */
    static Path peft(Path dir, String folder, long seed) {
        try {
            ModelConfig config = ModelConfig.load(TestServers.model());
            List<Projection> targets = List.of(Projection.Q, Projection.V);
            LoraAdapter adapter = RandomLora.create(folder, config, 4, EnumSet.copyOf(targets), seed, 2.0);
            Path out = dir.resolve(folder);
            PeftAdapter.write(adapter, out, PeftConfig.of(4, 8, targets, TestServers.modelId()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Request and response checked against api-spec/openapi.yaml. */
    static RequestSpecification as(ScionServer server, String key) {
        RequestSpecification r = given().port(server.port()).filter(OpenApiContract.filter());
        return key == null ? r : r.header("Authorization", "Bearer " + key);
    }

    /** For requests that break the contract on purpose: only the response is checked. */
    static RequestSpecification invalidAs(ScionServer server, String key) {
        RequestSpecification r = given().port(server.port()).filter(OpenApiContract.responseFilter());
        return key == null ? r : r.header("Authorization", "Bearer " + key);
    }

    static String load(String name, Path folder) {
        return "{\"lora_name\":\"" + name + "\",\"lora_path\":" + JSON.valueToTree(folder.toString())
                + ",\"load_inplace\":true}";
    }

    static JsonNode body(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        try {
            return JSON.readTree(r.asString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET /v1/adapters/{name}/events with a query string ("" for none). */
    static JsonNode events(ScionServer server, String key, String name, String query) {
        return body(as(server, key).get("/v1/adapters/" + name + "/events" + query), 200);
    }

    /** Polls {@code condition} until it holds, failing after {@code timeout}. */
    static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) {
        Conditions.await(what, condition, timeout);
    }
}
