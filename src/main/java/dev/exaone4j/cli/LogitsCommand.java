package dev.exaone4j.cli;

import dev.exaone4j.model.Model;
import dev.exaone4j.model.MtpHead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code logits -m PATH --prompt-ids 1,2,3 [--mtp] --out FILE}: one line of vocabulary logits per prompt position,
 * or with --mtp per MTP row.
 */
@Command(name = "logits", mixinStandardHelpOptions = true, description = "Run token ids as one prompt and write the logits of every position (one line each).")
public final class LogitsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--prompt-ids", required = true, paramLabel = "IDS", description = "comma-separated token ids")
    String promptIds;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "output file")
    Path out;

    @Option(names = "--mtp", description = "write the MTP head's logits instead: row i uses the hidden state at i and token i+1, predicts token i+2 (n-1 rows)")
    boolean mtp;

    @Override
    public Integer call() throws IOException {
        int[] ids = ModelOptions.parseIds(promptIds);
        try (Model m = opts.load()) {
            int context = Math.max(ids.length, Math.min(opts.context(m), ids.length + 1));
            if (mtp) {
                MtpHead head = MtpHead.of(m);
                if (ids.length < 2) throw new IllegalArgumentException("--mtp needs at least 2 prompt ids (a hidden state and the token after it)");
                write(out, head.logitsAll(head.newState(context), ids), ids.length - 1, m.config().vocabSize);
            } else {
                float[] logits = m.prefill(m.newState(context), ids, true);
                write(out, logits, ids.length, m.config().vocabSize);
            }
        }
        return 0;
    }

    static void write(Path out, float[] logits, int rows, int vocab) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (BufferedWriter wr = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            StringBuilder sb = new StringBuilder(vocab * 14);
            for (int r = 0; r < rows; r++) {
                sb.setLength(0);
                for (int v = 0; v < vocab; v++) {
                    if (v > 0) sb.append(' ');
                    sb.append(logits[r * vocab + v]);
                }
                sb.append('\n');
                wr.write(sb.toString());
            }
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
