package dev.exaone4j.model;

import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufTensorInfo;
import dev.exaone4j.gguf.GgufWriter;
import dev.exaone4j.testutil.SharedData;
import dev.exaone4j.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GGUF metadata a loader must not take silently: each case rewrites one key of a real tiny model and expects an
 * error naming the key (before, each of these loaded and gave wrong or NaN output).
 */
class GgufModelErrorsTest {
    @TempDir
    Path tmp;

    /** The shared model with its metadata edited (tensors copied as they are). */
    Path edited(String shared, String name, Consumer<GgufWriter> edit) throws IOException {
        Path src = SharedData.require(shared), out = tmp.resolve(name);
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter().copyMetadata(f);
            for (GgufTensorInfo t : f.tensors().values()) w.addTensor(t.name(), t.ne(), t.type(), GgufWriter.copyOf(t));
            edit.accept(w);
            w.write(out, null);
        }
        return out;
    }

    @Test
    void slidingPatternWithoutAWindow() throws IOException {
        String m = "tiny/exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-F32.gguf";
        Path none = edited(m, "sw-missing.gguf", w -> w.remove("exaone4.attention.sliding_window"));
        assertThatThrownBy(() -> ModelLoader.load(none)).hasMessageContaining("sliding_window_pattern").hasMessageContaining("missing");
        Path zero = edited(m, "sw-0.gguf", w -> w.putU32("exaone4.attention.sliding_window", 0));
        assertThatThrownBy(() -> ModelLoader.load(zero)).hasMessageContaining("sliding_window is 0");
    }

    @Test
    void unsupportedRopeScalingAndMismatchedValueLength() throws IOException {
        String m = "tiny/exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-F32.gguf";
        Path yarn = edited(m, "yarn.gguf", w -> w.putString("exaone4.rope.scaling.type", "yarn").putF32("exaone4.rope.scaling.factor", 4f));
        assertThatThrownBy(() -> ModelLoader.load(yarn)).hasMessageContaining("rope.scaling.type 'yarn'").hasMessageContaining("not supported");
        Path v = edited(m, "vlen.gguf", w -> w.putU32("exaone4.attention.value_length", 8));
        assertThatThrownBy(() -> ModelLoader.load(v)).hasMessageContaining("value_length 8");
    }

    @Test
    void nonFiniteExpertScaleAndGroupedRouting() throws IOException {
        String m = "tiny/exaone-moe-tiny/exaone-moe-tiny-F32.gguf";
        Path nan = edited(m, "nan.gguf", w -> w.putF32("exaone-moe.expert_weights_scale", Float.NaN));
        assertThatThrownBy(() -> ModelLoader.load(nan)).hasMessageContaining("expert weights scale NaN");
        Path groups = edited(m, "groups.gguf", w -> w.putU32("exaone-moe.expert_group_count", 2));
        assertThatThrownBy(() -> ModelLoader.load(groups)).hasMessageContaining("expert_group_count 2");
    }

    @Test
    void specialTokenIdsOutsideTheVocabulary() throws IOException {
        String m = "tiny/exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-F32.gguf";
        Path bos = edited(m, "bos.gguf", w -> w.putU32("tokenizer.ggml.bos_token_id", 100_000));
        assertThatThrownBy(() -> Tokenizers.forModel(bos)).hasMessageContaining("tokenizer.ggml.bos_token_id").hasMessageContaining("100000");
    }
}
