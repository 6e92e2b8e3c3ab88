package dev.scion.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads Server-Sent Events the way a client does: line by line from the open response. */
final class SseClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Stream(int status, String contentType, List<String> events) {
        /** The JSON events, without the final [DONE]. */
        List<String> json() {
            return events.stream().filter(e -> !e.equals("[DONE]")).toList();
        }
    }

    static HttpResponse<InputStream> open(int port, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    static java.util.concurrent.CompletableFuture<HttpResponse<String>> openAsync(int port, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Reads the whole stream; {@code stopAfter} > 0 closes the connection after that many events (a client leaving). */
    static Stream read(int port, String path, String body, int stopAfter) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = open(port, path, body);
        List<String> events = new ArrayList<>();
        try (InputStream in = response.body();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                    if (stopAfter > 0 && events.size() >= stopAfter) {
                        break;
                    }
                }
            }
        }
        return new Stream(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), events);
    }
}
