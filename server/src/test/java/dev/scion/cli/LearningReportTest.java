package dev.scion.cli;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import dev.scion.trainer.RoundRequest;
import dev.scion.trainer.RoundResult;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.TrainingRound;
import io.restassured.response.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learning report of three real rounds (the trainer's ShareGPT dataset, default settings): served by
 * {@code GET /v1/adapters/{name}/learning}, checked against api-spec/openapi.yaml, and printed by
 * {@code ./scion eval --rounds}.
 */
class LearningReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DATA = Path.of("../trainer/src/test/resources/learning/sharegpt-system");

    @TempDir
    static Path tmp;
    static Path store;

    @BeforeAll
    static void threeRounds() throws Exception {
        store = tmp.resolve("store");
        try (LoadedModel model = LoadedModel.open(TestServers.model(), RuntimeOptions.CPU)) {
            AdapterStore adapters = AdapterStore.open(store, AdapterStore.fingerprint(model.config()));
            for (int i = 1; i <= 3; i++) {
                RoundResult r = TrainingRound.run(model, adapters, new RoundRequest("archive",
                        DATA.resolve("round" + i + ".jsonl"), null, TrainOptions.defaults(), false,
                        PublishSource.TRAINER), TrainingListener.NONE, TrainingControl.UNLIMITED);
                assertTrue(r.isPublished(), "round " + i + ": " + r.gate().reason());
            }
        }
    }

    private static JsonNode get(ScionServer server, String path, int status) throws Exception {
        Response r = given().port(server.port()).filter(OpenApiContract.filter()).get(path);
        assertEquals(status, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    @Test
    void theServerServesTheMatrixOfEachVersionsLineage() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(store))) {
            JsonNode report = get(server, "/v1/adapters/archive/learning", 200);
            assertEquals("adapter.learning", report.get("object").asText());
            assertEquals(3, report.get("version").asInt());
            assertEquals(3, report.get("rounds").size());
            for (int i = 0; i < 3; i++) {
                assertEquals(i + 1, report.at("/rounds/" + i + "/version").asInt());
                assertEquals(10, report.at("/rounds/" + i + "/examples").asInt());
                for (int j = 0; j < 3; j++) {
                    JsonNode cell = report.at("/exact/" + i + "/" + j);
                    assertEquals(j > i, cell.isNull(), "row " + i + " column " + j + ": " + report);
                    if (j <= i) {
                        assertTrue(report.at("/accuracy/" + i + "/" + j).asDouble() >= 0.9, report.toString());
                    }
                }
            }
            assertTrue(report.get("backward_transfer").isNumber(), report.toString());
            assertTrue(report.get("average_forgetting").asDouble() >= 0, report.toString());

            JsonNode second = get(server, "/v1/adapters/archive/learning?version=2", 200);
            assertEquals(2, second.get("rounds").size());
            assertTrue(get(server, "/v1/adapters/archive/learning?version=1", 200).get("backward_transfer")
                    .isNull(), "one round has no backward transfer");
            assertEquals("version", get(server, "/v1/adapters/archive/learning?version=7", 404).at("/error/param")
                    .asText());
            assertEquals("name", get(server, "/v1/adapters/nothing/learning", 404).at("/error/param").asText());
        }
    }

    @Test
    void evalRoundsPrintsTheMatrix() {
        Cli.Run run = Cli.scion("eval", "--rounds", "--model", TestServers.model().toString(), "--adapters",
                store.toString(), "--adapter", "archive");
        assertEquals(0, run.exit(), run.all());
        assertTrue(run.out().contains("learning report of archive@3"), run.all());
        assertTrue(run.out().matches("(?s).*archive@3 +\\d+/10 \\d+% +\\d+/10 \\d+% +\\d+/10 \\d+%.*"), run.all());
        assertTrue(run.out().contains("backward transfer "), run.all());
    }
}
