package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admin endpoints answer as HTTP and OpenAI do: missing or unknown credentials are a 401 (invalid_api_key), a valid
 * key without the right (an inference key) a 403 (admin_key_required), whether or not inference keys are configured.
 */
class AdminAuthTest {
    static final String ADMIN = "auth-admin";
    static final String INFERENCE = "auth-inference";

    @TempDir
    Path tmp;

    static RequestSpecification call(ScionServer server, String key) {
        RequestSpecification r = given().port(server.port()).filter(OpenApiContract.responseFilter());
        return key == null ? r : r.header("Authorization", "Bearer " + key);
    }

    static void expect(Response r, int status, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals(code, r.jsonPath().getString("error.code"), r.asString());
    }

    @Test
    void onAnOpenServerMissingOrUnknownCredentialsAre401() {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN))) {
            expect(call(server, null).post("/v1/adapters/bot/promote"), 401, "invalid_api_key");
            expect(call(server, "guess").post("/v1/adapters/bot/promote"), 401, "invalid_api_key");
            expect(call(server, null).contentType("application/json").body("{\"lora_name\":\"bot\"}")
                    .post("/v1/unload_lora_adapter"), 401, "invalid_api_key");
            expect(call(server, null).get("/v1/files"), 401, "invalid_api_key");
            expect(call(server, null).get("/v1/fine_tuning/jobs"), 401, "invalid_api_key");
            // the admin key passes (no such adapter: 404), and reads stay open
            expect(call(server, ADMIN).post("/v1/adapters/bot/promote"), 404, "adapter_not_found");
            assertEquals(200, call(server, null).get("/v1/adapters").statusCode());
        }
    }

    @Test
    void withInferenceKeysAValidInferenceKeyIs403() {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN)
                .apiKeys(List.of(INFERENCE)))) {
            expect(call(server, INFERENCE).post("/v1/adapters/bot/promote"), 403, "admin_key_required");
            expect(call(server, INFERENCE).get("/v1/files"), 403, "admin_key_required");
            expect(call(server, null).post("/v1/adapters/bot/promote"), 401, "invalid_api_key");
            expect(call(server, "guess").get("/v1/files"), 401, "invalid_api_key");
        }
    }

    @Test
    void withoutAnAdminKeyAdminEndpointsAreOff() {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")))) {
            expect(call(server, null).post("/v1/adapters/bot/promote"), 403, "admin_disabled");
        }
    }
}
