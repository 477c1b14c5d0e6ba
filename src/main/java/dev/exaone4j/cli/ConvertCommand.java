package dev.exaone4j.cli;

import dev.exaone4j.convert.HfToGguf;
import dev.exaone4j.quant.FileType;
import dev.exaone4j.quant.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code convert HF_FOLDER -o OUT.gguf [--type TYPE]}: Hugging Face checkpoint to GGUF, streamed and written atomically. */
@Command(name = "convert", mixinStandardHelpOptions = true, description = "Convert a Hugging Face EXAONE checkpoint to GGUF (as llama.cpp's converter writes it).")
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HF_FOLDER", description = "folder with config.json, safetensors and tokenizer.json")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.gguf", description = "output file (written atomically)")
    Path output;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "BF16", description = "F32, F16, BF16, Q8_0, Q4_0, Q4_K_M, ... (default ${DEFAULT-VALUE})")
    String type;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        FileType ft = FileType.parse(type);
        HfToGguf.checkPaths(input, output);
        ProgressBar bar = quiet ? null : new ProgressBar(System.err, "converting");
        HfToGguf.convert(input, output, ft, bar, msg -> System.err.println("convert: " + msg));
        System.err.printf("convert: wrote %s (%s)%n", output, ProgressBar.bytes(Files.size(output)));
        return 0;
    }
}
