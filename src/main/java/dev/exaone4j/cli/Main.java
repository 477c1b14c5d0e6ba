package dev.exaone4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/exaone4j}. Errors print one clear line (a stack trace only with EXAONE4J_DEBUG=1). */
@Command(name = "exaone4j", mixinStandardHelpOptions = true, version = "exaone4j 0.1.0",
        description = "Pure-Java runtime for EXAONE 4.0, K-EXAONE and Llama-shaped models (GGUF and Hugging Face checkpoints).",
        subcommands = {
                CommandLine.HelpCommand.class,
                InspectCommand.class,
                LogitsCommand.class,
                GenerateCommand.class,
                ChatCommand.class,
                BenchCommand.class,
                ConvertCommand.class,
                QuantizeCommand.class,
                SynthCommand.class,
                RenderTemplateCommand.class,
                ServeCommand.class,
                TokenizeCommand.class,
        })
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** One line for a failure: its message, with the reason for file-system errors whose message is just the path. */
    static String describe(Throwable ex) {
        String path = ex.getMessage();
        if (ex instanceof java.nio.file.NoSuchFileException) return path + ": no such file";
        if (ex instanceof java.nio.file.AccessDeniedException) return path + ": permission denied";
        if (ex instanceof java.nio.file.NotDirectoryException) return path + ": not a folder";
        if (ex instanceof java.nio.file.FileAlreadyExistsException) return path + ": already exists";
        return path == null ? ex.toString() : path;
    }

    /** Runs a command line and returns its exit code (used by tests too). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (System.getenv("EXAONE4J_DEBUG") != null) ex.printStackTrace();
            cmd.getErr().println("error: " + describe(ex));
            cmd.getErr().flush();
            return 1;
        });
        // a bad flag or value: one line and where to look, not the whole usage
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            String msg = String.valueOf(ex.getMessage());
            int java = msg.indexOf(" (java.");
            if (java > 0) msg = msg.substring(0, java);   // picocli appends the converter's exception class
            cmd.getErr().println("error: " + msg);
            cmd.getErr().println("(see: exaone4j " + (cmd.getParent() == null ? "" : cmd.getCommandName() + " ") + "--help)");
            cmd.getErr().flush();
            return 2;
        });
        return cl.execute(args);
    }
}
