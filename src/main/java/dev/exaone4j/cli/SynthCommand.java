package dev.exaone4j.cli;

import dev.exaone4j.gguf.GgufWriter;
import dev.exaone4j.quant.FileType;
import dev.exaone4j.quant.ProgressBar;
import dev.exaone4j.quant.SynthModel;
import dev.exaone4j.quant.SynthPreset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code exaone4j synth --preset NAME --type TYPE -o FILE.gguf}: a random-weight GGUF of a real model's exact shape. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {
                "Write a random-weight GGUF with the exact shape, metadata and tensor layout of a named model.",
                "For loading, memory and speed tests. Streams tensor by tensor and writes atomically.",
                "Presets: exaone4-1.2b, exaone4-32b, k-exaone-236b, k-exaone-slice-N (K-EXAONE width, N layers).",
                "Large tensors are assembled from a pool of pre-quantized random blocks (see SynthModel)."})
public final class SynthCommand implements Callable<Integer> {
    @Option(names = "--preset", required = true, paramLabel = "NAME", description = "Model shape (see above).")
    String preset;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "Tensor type or mix, as for 'quantize' (F32 F16 BF16 Q8_0 Q4_0 ... Q4_K_M Q5_K_M).")
    String type;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.gguf", description = "Output file.")
    Path output;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--layers", paramLabel = "N", description = "Override the number of main layers.")
    Integer layers;

    @Option(names = "--pure", description = "Give every quantizable tensor TYPE (no per-tensor mix rules).")
    boolean pure;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        SynthPreset p = SynthPreset.named(preset);
        if (layers != null) p = p.withLayers(layers);
        FileType ft = FileType.parse(type);
        GgufWriter w = SynthModel.build(p, ft, pure, seed);
        long size = w.fileSize();
        Path dir = output.toAbsolutePath().getParent();
        if (dir != null && Files.isDirectory(dir)) {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < size) {
                throw new IllegalArgumentException("not enough disk space in " + dir + ": the file needs " + ProgressBar.bytes(size)
                        + ", " + ProgressBar.bytes(free) + " free");
            }
        }
        System.err.printf("synth: %s, %d layers%s, %.2fB parameters, %s -> %s (%s)%n", p.name(), p.layers(),
                p.nextnLayers() > 0 ? " + " + p.nextnLayers() + " MTP" : "", SynthModel.parameterCount(p) / 1e9, ft.name(), output,
                ProgressBar.bytes(size));
        w.write(output, quiet ? null : new ProgressBar(System.err, "writing"));
        System.err.printf("synth: wrote %s%n", output);
        return 0;
    }
}
