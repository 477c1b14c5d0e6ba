package dev.exaone4j.model;

import dev.exaone4j.tensor.ActivationPrecision;
import dev.exaone4j.testutil.RefLogits;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EXAONE-4.0-1.2B-style quantization reference model (hidden 256) in every weight type the engine runs,
 * against numpy float64 on that file's exactly dequantized weights (shared/testdata/quant/logits). We
 * dequantize exactly and compute in f32, so the exact-dequant tolerance applies: rel ≤ 1e-4, argmax 100%. With
 * {@link ActivationPrecision#Q8} (the types it applies to, and the Q4_K_M mix whose Q6_K tensors use it) the
 * 8-bit-activation tolerance applies: rel ≤ 1e-1, argmax on the clear rows at least 85%; and the result is
 * checked to differ from the exact one (the 8-bit path really ran).
 */
class QuantizedModelLogitsTest {
    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_K", "Q5_K_M", "Q5_1", "Q5_0", "Q4_K", "Q4_K_M", "Q4_1", "Q4_0", "Q3_K", "Q2_K"})
    void logitsMatchExactDequantReference(String type) throws Exception {
        int[] ids = RefLogits.readIds(SharedData.require("quant/tokens.txt"));
        float[] ours;
        try (Model m = ModelLoader.load(SharedData.require("quant/gguf/quantref-exaone4-" + type + ".gguf"), ActivationPrecision.F32)) {
            ours = m.forward(m.newState(64), ids, true).clone();
        }
        RefLogits ref = RefLogits.read(SharedData.require("quant/logits/quantref-exaone4-" + type + ".ref-f64-deq.txt"));
        assertThat(ref.rel(ours)).as("rel error").isLessThanOrEqualTo(1e-4);
        int[] agree = ref.argmaxAgreement(ours, 1e-3);
        assertThat(agree[0]).isEqualTo(agree[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q6_K", "Q4_0", "Q4_K", "Q4_K_M", "Q5_K", "Q5_K_M"})
    void q8ActivationsStayWithinTheirTolerance(String type) throws Exception {
        int[] ids = RefLogits.readIds(SharedData.require("quant/tokens.txt"));
        java.nio.file.Path file = SharedData.require("quant/gguf/quantref-exaone4-" + type + ".gguf");
        float[] q8, exact;
        try (Model m = ModelLoader.load(file, ActivationPrecision.Q8)) {
            q8 = m.forward(m.newState(64), ids, true).clone();
        }
        try (Model m = ModelLoader.load(file, ActivationPrecision.F32)) {
            exact = m.forward(m.newState(64), ids, true).clone();
        }
        RefLogits ref = RefLogits.read(SharedData.require("quant/logits/quantref-exaone4-" + type + ".ref-f64-deq.txt"));
        System.out.printf("[q8 activations] quantref %s: rel %.3g (exact path %.3g)%n", type, ref.rel(q8), ref.rel(exact));
        assertThat(ref.rel(q8)).as("rel error with 8-bit activations").isLessThanOrEqualTo(1e-1);
        if (ActivationPrecision.q8Available()) assertThat(ref.rel(q8)).as("the 8-bit path ran").isGreaterThan(ref.rel(exact));
        int[] agree = ref.argmaxAgreement(q8, 0.5);
        assertThat(agree[0]).isGreaterThanOrEqualTo((int) Math.ceil(agree[1] * 0.85));
    }
}
