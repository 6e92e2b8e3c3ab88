package dev.scion.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.yaml.snakeyaml.LoaderOptions;

/** Reads a YAML document from the test classpath into a Jackson tree. */
final class YamlDocuments {

    /** OpenAI's spec is close to SnakeYAML's default 3 MB limit; allow growth. */
    private static final int MAX_CODE_POINTS = 32 * 1024 * 1024;

    private YamlDocuments() {}

    static JsonNode fromClasspath(String resource) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build());
        try (InputStream in = YamlDocuments.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            return yaml.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
