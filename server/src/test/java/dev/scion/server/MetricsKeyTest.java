package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --metrics-key}: Prometheus bearer auth on /metrics, which otherwise stays open for scrapers. */
class MetricsKeyTest {
    private static final String INFERENCE = "metrics-inference";
    private static final String METRICS = "metrics-scraper";
    private static final String ADMIN = "metrics-admin";

    private static RequestSpecification scrape(ScionServer server, String key) {
        RequestSpecification r = given().port(server.port()).filter(OpenApiContract.filter());
        return key == null ? r : r.header("Authorization", "Bearer " + key);
    }

    private static void refused(Response r) {
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals("invalid_api_key", r.jsonPath().getString("error.code"), r.asString());
        assertTrue(r.jsonPath().getString("error.message").contains("metrics key"), r.asString());
    }

    @Test
    void withAMetricsKeyOnlyItReadsTheMetrics() {
        try (ScionServer server = TestServers.start(TestServers.config().apiKeys(List.of(INFERENCE)).adminKey(ADMIN)
                .metricsKey(METRICS))) {
            refused(scrape(server, null).get("/metrics"));
            refused(scrape(server, INFERENCE).get("/metrics"));
            refused(scrape(server, ADMIN).get("/metrics"));
            Response ok = scrape(server, METRICS).get("/metrics");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.asString().contains("scion_"), "the exposition itself");
            assertEquals(200, scrape(server, null).get("/health").statusCode(), "probes stay open");
        }
    }

    @Test
    void withoutOneTheMetricsStayOpen() {
        try (ScionServer server = TestServers.start(TestServers.config().apiKeys(List.of(INFERENCE)))) {
            assertEquals(200, scrape(server, null).get("/metrics").statusCode());
        }
    }
}
