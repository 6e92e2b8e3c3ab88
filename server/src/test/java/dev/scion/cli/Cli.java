package dev.scion.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs {@code ./scion} in-process as {@link ScionCli#main} would, capturing what it prints. */
final class Cli {
    private Cli() {}

    record Run(int exit, String out, String err) {
        /** For assertion messages: everything the command said. */
        String all() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Commands print to System.out (streamed output) and picocli's writers (help, errors); both are captured. */
    static synchronized Run scion(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = ScionCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    /** Copies a bundled example data file (a copy of the repository's examples/ folder) into {@code dir}. */
    static Path example(String name, Path dir) throws IOException {
        try (InputStream in = Cli.class.getResourceAsStream("/examples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource /examples/" + name + " is missing");
            }
            Path file = dir.resolve(name);
            Files.copy(in, file);
            return file;
        }
    }
}
