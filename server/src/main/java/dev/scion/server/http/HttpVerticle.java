package dev.scion.server.http;

import dev.scion.server.ServingModel;
import dev.scion.server.config.HttpLimits;
import dev.scion.server.config.ServerConfig;
import dev.scion.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/** The HTTP server; its deployment completes only once the socket is listening. */
public final class HttpVerticle extends VerticleBase {
    private final ServingModel serving;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private HttpServer server;

    public HttpVerticle(ServingModel serving, ServerConfig config, ServerMetrics metrics) {
        this.serving = serving;
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        HttpLimits limits = config.http();
        // a file part without a filename (how OpenAI's Java SDK sends bytes and streams) is a form attribute, held
        // in memory: allowed up to a bound of its own, far below the upload limit that applies to real file parts.
        // HTTP/2 over cleartext is off unless asked for (Vert.x would otherwise accept h2c, prior knowledge and
        // Upgrade alike, with 100 streams per connection); Vert.x's idle timeout stays off, ConnectionGuard has its own.
        server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
                .setMaxInitialLineLength(8192).setMaxHeaderSize(16384)
                .setMaxFormAttributeSize((int) config.training().maxInlineFileBytes())
                .setHttp2ClearTextEnabled(limits.http2())
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(limits.http2MaxStreams()))
                .setIdleTimeout(0));
        ConnectionGuard guard = new ConnectionGuard(vertx, limits, metrics);
        Router router = new ApiRouter(vertx, serving, config, metrics, guard).router();
        return server.connectionHandler(guard::accept).requestHandler(request -> {
            guard.begin(request);
            router.handle(request);
        }).listen();
    }

    /** Stops accepting connections and lets in-flight requests finish within the grace period. */
    @Override
    public Future<?> stop() {
        return server.shutdown(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    public int port() {
        return server.actualPort();
    }
}
