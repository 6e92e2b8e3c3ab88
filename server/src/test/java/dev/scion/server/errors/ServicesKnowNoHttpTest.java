package dev.scion.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.server.adapters.AdapterService;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The services say what happened and leave how HTTP shows it to {@code server.http}: no compiled class of theirs
 * refers to the HTTP layer's classes (its ApiException included) or to Vert.x's HTTP and web types. Read from the
 * class files' constant pools, where every class a class uses is named, so comments do not count and fully
 * qualified names in code do.
 */
class ServicesKnowNoHttpTest {
    private static final List<String> SERVICES = List.of("adapters", "training", "storage", "errors", "engine");
    private static final List<String> HTTP = List.of("dev/scion/server/http/", "io/vertx/core/http/",
            "io/vertx/ext/web/");

    @Test
    void noServiceClassRefersToAnHttpType() throws IOException, URISyntaxException {
        Path classes = Path.of(AdapterService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        for (String service : SERVICES) {
            Path folder = classes.resolve("dev/scion/server").resolve(service);
            assertTrue(Files.isDirectory(folder), folder + " holds the compiled " + service + " classes");
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    checked++;
                    // ISO-8859-1 keeps every byte, so the class file's UTF-8 class names appear as they are
                    String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    for (String http : HTTP) {
                        if (constants.contains(http)) {
                            offenders.add(classes.relativize(file) + " refers to " + http);
                        }
                    }
                }
            }
        }
        assertTrue(checked > 50, "found the service classes: " + checked);
        assertEquals(List.of(), offenders);
    }

    @Test
    void theCheckSeesAnHttpReferenceWhereThereIsOne() throws IOException, URISyntaxException {
        // the HTTP layer itself refers to Vert.x's web types: the same reading must find them there
        Path classes = Path.of(AdapterService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String router = new String(Files.readAllBytes(classes.resolve("dev/scion/server/http/ApiRouter.class")),
                StandardCharsets.ISO_8859_1);
        assertTrue(router.contains("io/vertx/ext/web/"));
        assertTrue(router.contains("dev/scion/server/http/ApiException"));
    }
}
