package dev.scion.cli;

import dev.scion.server.ScionServer;
import dev.scion.server.config.ServeOptions;
import dev.scion.server.config.ServerConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the model over an OpenAI-compatible HTTP API.",
            "Every option can also come from the environment (SCION_<OPTION>, e.g. SCION_PORT) or a YAML file "
                    + "(--config); the command line wins, then the environment, then the file."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ServeOptions options = new ServeOptions();

    @Override
    public Integer call() throws Exception {
        ServerConfig config = options.resolve(System.getenv());
        ScionServer server = ScionServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM / Ctrl-C: stop accepting, let running streams finish within the grace period, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "scion-shutdown"));
        stopped.await();
        return 0;
    }
}
