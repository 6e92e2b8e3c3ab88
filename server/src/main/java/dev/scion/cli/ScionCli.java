package dev.scion.cli;

import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./scion} launcher's entry point; each subcommand is its own class. */
@Command(
        name = "scion",
        mixinStandardHelpOptions = true,
        version = "scion 0.1.0",
        description = "Serve a Hugging Face LLM with hot LoRA adapters, and train them incrementally.",
        subcommands = {ServeCommand.class, GenerateCommand.class, TrainCommand.class, PretrainCommand.class,
                EvalCommand.class, MergeCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class ScionCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as {@link #main} runs it: a failing command prints one {@code error: ...} line (the stack
     * trace only with SCION_DEBUG set) and exits 1, since users' mistakes (a bad file, a bad line) are no bugs.
     * A wrong command line exits 64 (EX_USAGE), so that 2 keeps one meaning: train's refused gate.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ScionCli());
        setUsageExitCode(cli, USAGE_ERROR);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + messageOf(e)));
            if (System.getenv("SCION_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli;
    }

    /** sysexits.h's EX_USAGE. */
    static final int USAGE_ERROR = 64;

    private static void setUsageExitCode(CommandLine cli, int code) {
        cli.getCommandSpec().exitCodeOnInvalidInput(code);
        cli.getSubcommands().values().forEach(sub -> setUsageExitCode(sub, code));
    }

    static String messageOf(Throwable e) {
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() + ": no such file or folder"; // its message is the bare path
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
