package dev.scion.trainer.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One pass over one data file: each line becomes an example or a problem, never nothing. */
final class DatasetLoader {
    /** A line longer than this is refused rather than buffered: no sane training example is this big. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final ConversationEncoder encoder;
    private final DatasetOptions options;
    private final List<TrainingExample> examples = new ArrayList<>();
    private final List<DataProblem> problems = new ArrayList<>();
    private DatasetFormat format;
    private ExampleParser parser;
    private int detectedLine;
    private int read;
    private int blank;
    private int truncated;
    private long tokens;
    private long lossTokens;

    DatasetLoader(Path file, ConversationEncoder encoder, DatasetOptions options) {
        this.file = file;
        this.encoder = encoder;
        this.options = options;
        this.format = options.format();
        this.parser = format == DatasetFormat.AUTO ? null : ExampleParser.of(format);
    }

    Dataset load() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"),
                    List.of());
        }
        try (JsonlReader reader = new JsonlReader(file, MAX_LINE_BYTES)) {
            for (JsonlReader.Line line = reader.next(); line != null; line = reader.next()) {
                if (Thread.currentThread().isInterrupted()) {
                    // a cancelled fine-tuning job must not wait for a large file to be read to its end
                    throw new InterruptedIOException(file + ": loading interrupted at line " + line.number());
                }
                if (line.text() != null && line.text().isBlank()) {
                    blank++;
                    continue;
                }
                read++;
                try {
                    accept(line);
                } catch (TemplateSplitException e) {
                    DataProblem problem = new DataProblem(file, line.number(), null, e.reason());
                    problems.add(problem);
                    throw new DatasetException(problem.toString(), problems);
                } catch (BadLineException e) {
                    reject(new DataProblem(file, line.number(), e.field(), e.reason()));
                }
            }
        }
        if (read == 0) {
            throw new DatasetException(file + ": no examples: the file is " + (blank == 0 ? "empty" : "blank"),
                    List.of());
        }
        if (examples.isEmpty()) {
            throw new DatasetException(file + ": no usable examples: all " + read + " lines were bad, the first: "
                    + problems.get(0), problems);
        }
        DatasetReport report = new DatasetReport(file, format, detectedLine, read, blank, examples.size(),
                problems.size(), truncated, tokens, lossTokens, problems);
        return new Dataset(examples, report);
    }

    private void accept(JsonlReader.Line line) throws BadLineException {
        if (line.error() != null) {
            throw new BadLineException(null, line.error());
        }
        JsonNode json = parse(line.text());
        if (parser == null) {
            DatasetFormat detected = DatasetFormat.detect(json);
            if (detected == null) {
                throw new BadLineException(null, "no 'instruction', 'conversations' or 'messages' field, or more"
                        + " than one: not recognisably Alpaca, ShareGPT or OpenAI messages");
            }
            format = detected;
            parser = ExampleParser.of(detected);
            detectedLine = line.number();
        }
        DatasetFormat looksLike = DatasetFormat.detect(json);
        if (looksLike != null && looksLike != format) {
            throw new BadLineException(null, "this line is " + name(looksLike) + " but the file is "
                    + name(format) + " (" + (detectedLine > 0 ? "detected from line " + detectedLine : "declared")
                    + "); a file holds one format");
        }
        TrainingExample example = encoder.example(parser.parse(json), line.number(), options);
        examples.add(example);
        if (example.truncated()) {
            truncated++;
        }
        tokens += example.tokens().length;
        lossTokens += example.lossTokens();
    }

    private static JsonNode parse(String text) throws BadLineException {
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new BadLineException(null, "invalid JSON" + (at != null && at.getColumnNr() > 0
                    ? " at column " + at.getColumnNr() : "") + ": " + e.getOriginalMessage());
        }
        if (!json.isObject()) {
            throw new BadLineException(null, "must be a JSON object, not " + JsonFields.kind(json));
        }
        return json;
    }

    private void reject(DataProblem problem) {
        problems.add(problem);
        if (!options.skipBadLines()) {
            throw new DatasetException(problem.toString(), problems);
        }
    }

    private static String name(DatasetFormat format) {
        return switch (format) {
            case ALPACA -> "Alpaca";
            case SHAREGPT -> "ShareGPT";
            case OPENAI_MESSAGES -> "OpenAI messages";
            case AUTO -> "auto-detected";
        };
    }
}
