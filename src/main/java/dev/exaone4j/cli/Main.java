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

    /** Runs a command line and returns its exit code (used by tests too). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (System.getenv("EXAONE4J_DEBUG") != null) ex.printStackTrace();
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            cmd.getErr().println("error: " + msg);
            cmd.getErr().flush();
            return 1;
        });
        return cl.execute(args);
    }
}
