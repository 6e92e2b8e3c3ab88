package dev.scion.server;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.server.adapters.cache.CacheListener;
import dev.scion.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real servers on free loopback ports, serving the embedded model generated once per test JVM. */
public final class TestServers {
    private static Path model;

    private TestServers() {}

    public static synchronized Path model() {
        if (model == null) {
            try {
                Path root = Files.createTempDirectory("scion-test-models");
                root.toFile().deleteOnExit();
                model = DefaultModel.ensure(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    public static String modelId() {
        return model().getFileName().toString();
    }

    public static ServerConfig.Builder config() {
        return ServerConfig.builder().model(model()).host("127.0.0.1").port(0).maxModelLen(512);
    }

    public static ScionServer start(ServerConfig.Builder config) {
        try {
            return ScionServer.start(config.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server whose adapter cache also tells {@code cacheEvents} what it does (after its metrics). */
    public static ScionServer start(ServerConfig.Builder config, CacheListener cacheEvents) {
        ServerConfig built = config.build();
        try {
            return ScionServer.start(built, LoadedModel.open(built.model(), built.runtimeOptions()), cacheEvents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
