package dev.scion.server.training;

import static dev.scion.server.training.Jobs.ADMIN;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without an admin key the endpoints are off, never open; without an adapter store there is nothing to train into. */
class FineTuningDisabledTest {
    @TempDir
    Path tmp;

    @Test
    void withoutAnAdminKeyEveryCallIsRefused() {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")))) {
            for (var call : java.util.List.of(
                    given().port(server.port()).filter(OpenApiContract.responseFilter()).multiPart("file", "x.jsonl",
                            "{}\n".getBytes(StandardCharsets.UTF_8)).multiPart("purpose", "fine-tune").post("/v1/files"),
                    given().port(server.port()).filter(OpenApiContract.responseFilter()).get("/v1/files"),
                    given().port(server.port()).filter(OpenApiContract.responseFilter())
                            .header("Authorization", "Bearer anything").get("/v1/fine_tuning/jobs"))) {
                assertEquals("admin_disabled", Jobs.body(call, 403).at("/error/code").asText());
            }
        }
    }

    @Test
    void withoutAnAdapterStoreTheEndpointsAreNotFound() {
        try (ScionServer server = TestServers.start(TestServers.config().adminKey(ADMIN))) {
            assertEquals("adapters_disabled", Jobs.body(Jobs.admin(server).get("/v1/fine_tuning/jobs"), 404)
                    .at("/error/code").asText());
            assertEquals("adapters_disabled", Jobs.body(Jobs.admin(server).multiPart("file", "x.jsonl",
                    "{}\n".getBytes(StandardCharsets.UTF_8)).multiPart("purpose", "fine-tune").post("/v1/files"), 404)
                    .at("/error/code").asText());
        }
    }
}
