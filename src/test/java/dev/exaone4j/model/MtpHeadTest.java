package dev.exaone4j.model;

import dev.exaone4j.tensor.ActivationPrecision;
import dev.exaone4j.cli.Main;
import dev.exaone4j.testutil.RefLogits;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The K-EXAONE MTP head against the numpy float64 references of shared/testdata (mtp-ref-f64*.txt: row i uses the
 * main model's final-normed hidden state at i and token i+1, predicts token i+2; 23 rows for the 24 reference ids).
 * <ul>
 *   <li>hf/ and -F32: mtp-ref-f64, rel ≤ 1e-4, argmax 100% where the reference's top-2 gap is clear;</li>
 *   <li>-F16: mtp-ref-f64 (only the F16 rounding of the weights differs), rel ≤ 5e-3;</li>
 *   <li>-Q8_0, -Q4_0, -Q4_0-pure: mtp-ref-f64-deq-TYPE. We dequantize exactly and compute in f32 (activations are not
 *       quantized), so rel ≤ 1e-4 and argmax 100%. The MTP layer is dense; its input hidden states come through the
 *       main MoE layers, where an expert flip would move a row by ~1 and fail this bound: none occurs (the main
 *       logits match ref-f64-deq at 1e-4 too, see ReferenceLogitsTest), so no flip handling is needed here.</li>
 * </ul>
 * The head is also tested alone on the reference's own hidden states (hidden-f64.txt), and through the incremental
 * path a generator uses (one main token at a time, draft rows and rollbacks in between), which must give the same rows.
 */
class MtpHeadTest {
    static final String MODEL = "exaone-moe-tiny";

    static Path dir() {
        return SharedData.require("tiny/" + MODEL);
    }

    static int[] ids() throws Exception {
        return RefLogits.readIds(SharedData.require("tiny/tokens.txt"));
    }

    static RefLogits ref(String name) throws Exception {
        return RefLogits.read(dir().resolve("refs/" + MODEL + "." + name + ".txt"));
    }

    static void assertMatches(float[] ours, RefLogits r, double tol) {
        assertThat(ours.length).isEqualTo(r.rows.length * r.vocab());
        double rel = r.rel(ours);
        System.out.printf("MTP rel = %.3e (tolerance %.0e)%n", rel, tol);
        assertThat(rel).as("relative error").isLessThanOrEqualTo(tol);
        int[] agree = r.argmaxAgreement(ours, 1e-3);
        assertThat(agree[0]).as("argmax agreement on clear rows").isEqualTo(agree[1]);
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({
            "hf, mtp-ref-f64, 1e-4",
            "exaone-moe-tiny-F32.gguf, mtp-ref-f64, 1e-4",
            "exaone-moe-tiny-F32.gguf, mtp-ref-f64-deq-F32, 1e-4",
            "exaone-moe-tiny-F16.gguf, mtp-ref-f64, 5e-3",
            "exaone-moe-tiny-Q8_0.gguf, mtp-ref-f64-deq-Q8_0, 1e-4",
            "exaone-moe-tiny-Q4_0.gguf, mtp-ref-f64-deq-Q4_0, 1e-4",
            "exaone-moe-tiny-Q4_0-pure.gguf, mtp-ref-f64-deq-Q4_0-pure, 1e-4",
    })
    void mtpLogitsMatchReference(String variant, String refName, double tol) throws Exception {
        RefLogits r = ref(refName);
        try (Model m = ModelLoader.load(dir().resolve(variant), ActivationPrecision.F32)) {
            MtpHead head = MtpHead.of(m);
            assertMatches(head.logitsAll(head.newState(64), ids()), r, tol);
        }
    }

    @ParameterizedTest(name = "{0}: head alone on hidden-f64.txt")
    @ValueSource(strings = {"hf", "exaone-moe-tiny-F32.gguf"})
    void headAloneOnReferenceHiddenStates(String variant) throws Exception {
        RefLogits hidden = RefLogits.read(dir().resolve("refs/" + MODEL + ".hidden-f64.txt"), "hidden");
        int[] ids = ids();
        int n = ids.length - 1;
        try (Model m = ModelLoader.load(dir().resolve(variant), ActivationPrecision.F32)) {
            int dim = m.config().dim;
            assertThat(hidden.rows.length).isGreaterThanOrEqualTo(n);
            float[] h = new float[n * dim];
            for (int i = 0; i < n; i++) System.arraycopy(hidden.rows[i], 0, h, i * dim, dim);
            MtpHead head = MtpHead.of(m);
            float[] ours = head.forward(head.newState(64), h, 0, ids, 1, n, true);
            assertMatches(ours, ref("mtp-ref-f64"), 1e-4);
        }
    }

    /** The main model's hidden states of this project agree with the reference's (the MTP's input). */
    @Test
    void mainHiddenStatesMatchReference() throws Exception {
        RefLogits hidden = RefLogits.read(dir().resolve("refs/" + MODEL + ".hidden-f64.txt"), "hidden");
        int[] ids = ids();
        try (Model m = ModelLoader.load(dir().resolve("hf"), ActivationPrecision.F32)) {
            int dim = m.config().dim;
            float[] ours = new float[ids.length * dim];
            ((DecoderModel) m).forward(m.newState(64), ids, 0, ids.length, false,
                    (hs, first, T) -> System.arraycopy(hs, 0, ours, first * dim, T * dim));
            assertThat(hidden.rel(ours)).isLessThanOrEqualTo(1e-4);
        }
    }

    /**
     * The bookkeeping a generator relies on: feeding the main model one token at a time, drafting rows in between
     * (discarded by the next main forward) and rolling back rejected positions (across the sliding window of 8, with
     * batches bigger than one) must leave exactly the rows logitsAll computes in one go.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hf", "exaone-moe-tiny-Q8_0.gguf"})
    void incrementalDraftsAndRollbacksGiveTheSameRows(String variant) throws Exception {
        int[] ids = ids();
        try (Model m = ModelLoader.load(dir().resolve(variant), ActivationPrecision.F32)) {
            MtpHead head = MtpHead.of(m);
            int vocab = m.config().vocabSize;
            float[] whole = head.logitsAll(head.newState(64), ids);

            MtpHead.State st = head.newState(64, 4);          // sliding rings of 8 + 4 slots
            head.advance(st, ids, 0, 1, false);
            double maxDiff = 0, maxAbs = 0;
            for (int i = 1; i < ids.length; i++) {
                float[] row = head.draftFirst(st, ids[i]).clone();   // row i-1: hidden at i-1, token i
                for (int v = 0; v < vocab; v++) {
                    maxAbs = Math.max(maxAbs, Math.abs(whole[(i - 1) * vocab + v]));
                    maxDiff = Math.max(maxDiff, Math.abs(row[v] - whole[(i - 1) * vocab + v]));
                }
                head.draftNext(st, (ids[i] * 5 + 3) % vocab);       // a draft chain that will be thrown away
                head.draftNext(st, (ids[i] * 7 + 1) % vocab);
                // verify-like forward: the true token then garbage, then roll the garbage back
                int[] verify = {ids[i], (i * 31) % vocab, (i * 17 + 2) % vocab, (i * 13 + 5) % vocab};
                head.advance(st, verify, 0, 1 + i % 4, true);
                head.rollback(st, i + 1);
                assertThat(st.mainPosition()).isEqualTo(i + 1);
                assertThat(st.mtpPosition()).isEqualTo(i);
            }
            assertThat(maxDiff / maxAbs).as("incremental vs one-go MTP rows").isLessThanOrEqualTo(1e-5);
        }
    }

    /** A prompt longer than a batch: the kept hidden states are run through the head as batches fill up. */
    @Test
    void longSequencesRunInBatches() throws Exception {
        int[] ids = ids();
        try (Model m = ModelLoader.load(dir().resolve("hf"), ActivationPrecision.F32)) {
            MtpHead head = MtpHead.of(m);
            float[] big = head.logitsAll(head.newState(64), ids);
            float[] small = head.logitsAll(head.newState(64, 3), ids);
            assertThat(maxRel(small, big)).isLessThanOrEqualTo(1e-5);

            // the same through advance alone: 24 tokens with maxBatch 5 commit rows on the way
            MtpHead.State st = head.newState(64, 5);
            head.advance(st, ids, 0, ids.length - 1, false);
            assertThat(st.mtpPosition()).isGreaterThan(0);
            float[] last = head.draftFirst(st, ids[ids.length - 1]);
            int vocab = m.config().vocabSize;
            assertThat(maxRel(last, Arrays.copyOfRange(big, (ids.length - 2) * vocab, (ids.length - 1) * vocab))).isLessThanOrEqualTo(1e-5);
        }
    }

    static double maxRel(float[] a, float[] b) {
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < b.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(b[i]));
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        return maxDiff / maxAbs;
    }

    @Test
    void rollbackBeforeTheHeadsRowsIsRefused() throws Exception {
        int[] ids = ids();
        try (Model m = ModelLoader.load(dir().resolve("hf"), ActivationPrecision.F32)) {
            MtpHead head = MtpHead.of(m);
            MtpHead.State st = head.newState(64);
            head.advance(st, ids, 0, 5, false);
            head.draftFirst(st, ids[5]);                  // row 4 used the token at position 5
            head.advance(st, ids, 5, 3, true);
            assertThatThrownBy(() -> head.rollback(st, 5)).hasMessageContaining("already used the token at position 5");
            head.rollback(st, 6);
            assertThat(st.mainPosition()).isEqualTo(6);
        }
    }

    @Test
    void modelWithoutMtpHeadIsAClearError() throws Exception {
        Path dense = SharedData.require("tiny/exaone4-tiny-hybrid4/hf");
        try (Model m = ModelLoader.load(dense, ActivationPrecision.F32)) {
            assertThat(MtpHead.available(m)).isFalse();
            assertThatThrownBy(() -> MtpHead.of(m)).hasMessageContaining("has no MTP head");
        }
    }

    @Test
    void logitsCommandWritesMtpRows(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("mtp.txt");
        String ids = String.join(",", Arrays.stream(ids()).mapToObj(String::valueOf).toList());
        int rc = Main.run("logits", "-m", dir().resolve("exaone-moe-tiny-F32.gguf").toString(), "--prompt-ids", ids, "--mtp", "--out", out.toString());
        assertThat(rc).isZero();
        List<String> lines = Files.readAllLines(out);
        RefLogits r = ref("mtp-ref-f64");
        assertThat(lines).hasSize(r.rows.length);
        float[] ours = new float[lines.size() * r.vocab()];
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(" ");
            for (int v = 0; v < parts.length; v++) ours[i * r.vocab() + v] = Float.parseFloat(parts[v]);
        }
        assertMatches(ours, r, 1e-4);
    }

    @Test
    void logitsCommandMtpOnDenseModelFails(@TempDir Path tmp) throws Exception {
        Path dense = SharedData.require("tiny/exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-F32.gguf");
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.run("logits", "-m", dense.toString(), "--prompt-ids", "1,2,3", "--mtp", "--out", tmp.resolve("x.txt").toString());
        } finally {
            System.setErr(saved);
        }
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no MTP head");
    }
}
