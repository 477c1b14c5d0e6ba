package dev.exaone4j.cli;

import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.quant.FileType;
import dev.exaone4j.quant.GgufQuantizer;
import dev.exaone4j.quant.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code exaone4j quantize IN.gguf OUT.gguf TYPE [--pure]}: llama-quantize-compatible re-encoding of a GGUF model. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {
                "Quantize a GGUF model the way llama-quantize does (no importance matrix).",
                "Same per-tensor rules, same bytes. Streams tensor by tensor and writes atomically (temp file, then rename).",
                "TYPE: F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K Q4_K Q5_K Q6_K (plain K names are the",
                "_S variants) or the mixes Q3_K_S Q3_K_M Q3_K_L Q4_K_S Q4_K_M Q5_K_S Q5_K_M."})
public final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.gguf", description = "Input GGUF (F32, F16, BF16 or an already quantized file).")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "Output GGUF (replaced atomically when it exists).")
    Path output;

    @Parameters(index = "2", paramLabel = "TYPE", description = "Target type or mix (see above).")
    String type;

    @Option(names = "--pure", description = "Give every quantizable tensor TYPE (no per-tensor mix rules).")
    boolean pure;

    @Option(names = "--threads", paramLabel = "N", description = "Quantization threads (default: available processors).")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        FileType ft = FileType.parse(type);
        if (!Files.isRegularFile(input)) throw new IllegalArgumentException(input + ": " + dev.exaone4j.gguf.GgufFile.whyNotAFile(input));
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new IllegalArgumentException("output " + output + " is the input file; choose another name");
        }
        if (Files.isDirectory(output)) throw new IllegalArgumentException("output " + output + " is a folder; give a file name");
        java.nio.file.Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new IllegalArgumentException("output folder " + parent + " does not exist");
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads < 1 || nThreads > 1024) throw new IllegalArgumentException("--threads must be in [1, 1024], got " + nThreads);
        long inBytes = Files.size(input);
        List<GgufQuantizer.Entry> plan;
        try (GgufFile in = GgufFile.open(input)) {
            plan = GgufQuantizer.plan(in, ft, pure, null);
        }
        long outTensorBytes = plan.stream().mapToLong(GgufQuantizer.Entry::outputBytes).sum();
        long converted = plan.stream().filter(e -> !e.copied()).count();
        System.err.printf("quantize: %s (%s) -> %s as %s%s: %d tensors, %d converted, tensor data %s%n", input, ProgressBar.bytes(inBytes),
                output, ft.name(), pure ? " (pure)" : "", plan.size(), converted, ProgressBar.bytes(outTensorBytes));
        ProgressBar bar = quiet ? null : new ProgressBar(System.err, "writing");
        GgufQuantizer.quantize(input, output, ft, pure, nThreads, bar, msg -> System.err.println("quantize: " + msg));
        System.err.printf("quantize: wrote %s (%s)%n", output, ProgressBar.bytes(Files.size(output)));
        return 0;
    }
}
