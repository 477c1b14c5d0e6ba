package dev.exaone4j.model;

import dev.exaone4j.testutil.RefLogits;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Continuous batching: rows of several sequences in one forward pass (one decoding, one prefilling several
 * rows, one starting) give each sequence exactly the logits it gets when run alone, across the sliding window.
 */
class BatchedRowsTest {
    @ParameterizedTest
    @ValueSource(strings = {"exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-F32.gguf", "exaone-moe-tiny/exaone-moe-tiny-Q8_0.gguf"})
    void multiSequenceRowsEqualSingleSequenceRuns(String file) throws Exception {
        int[] ids = RefLogits.readIds(SharedData.require("tiny/tokens.txt"));
        try (Model m = ModelLoader.load(SharedData.require("tiny/" + file))) {
            DecoderModel dm = (DecoderModel) m;
            int V = m.config().vocabSize;
            // reference: each sequence alone, all positions
            int[] a = Arrays.copyOfRange(ids, 0, 20), b = Arrays.copyOfRange(ids, 4, 16), c = Arrays.copyOfRange(ids, 10, 13);
            float[] ra = m.forward(m.newState(64), a, true).clone();
            float[] rb = m.forward(m.newState(64), b, true).clone();
            float[] rc = m.forward(m.newState(64), c, true).clone();

            InferenceState ws = InferenceState.workspace(m.config(), 32);
            InferenceState sa = InferenceState.sequence(m.config(), 64, 32);
            InferenceState sb = InferenceState.sequence(m.config(), 64, 32);
            InferenceState sc = InferenceState.sequence(m.config(), 64, 32);
            int pa = 0, pb = 0, pc = 0;
            // step 1: a prefills 10 rows, b prefills 5 rows
            pa = step(dm, ws, V, new InferenceState[]{sa, sb}, new int[][]{Arrays.copyOfRange(a, 0, 10), Arrays.copyOfRange(b, 0, 5)},
                    new float[][]{ra, rb}, new int[]{0, 0});
            pb = 5;
            // step 2..: a decodes one row per step, b prefills the rest in chunks of 3, c joins later
            while (pa < a.length || pb < b.length || pc < c.length) {
                java.util.List<InferenceState> seqs = new java.util.ArrayList<>();
                java.util.List<int[]> toks = new java.util.ArrayList<>();
                java.util.List<float[]> refs = new java.util.ArrayList<>();
                java.util.List<Integer> starts = new java.util.ArrayList<>();
                if (pa < a.length) { seqs.add(sa); toks.add(new int[]{a[pa]}); refs.add(ra); starts.add(pa); pa++; }
                if (pb < b.length) { int n = Math.min(3, b.length - pb); seqs.add(sb); toks.add(Arrays.copyOfRange(b, pb, pb + n)); refs.add(rb); starts.add(pb); pb += n; }
                if (pa > 14 && pc < c.length) { seqs.add(sc); toks.add(new int[]{c[pc]}); refs.add(rc); starts.add(pc); pc++; }
                step(dm, ws, V, seqs.toArray(new InferenceState[0]), toks.toArray(new int[0][]), refs.toArray(new float[0][]),
                        starts.stream().mapToInt(Integer::intValue).toArray());
            }
            assertThat(sa.position()).isEqualTo(a.length);
            assertThat(sb.position()).isEqualTo(b.length);
            assertThat(sc.position()).isEqualTo(c.length);
        }
    }

    /** Runs one multi-sequence step and checks every row against its sequence's solo logits; returns rows of seq 0. */
    static int step(DecoderModel m, InferenceState ws, int V, InferenceState[] seqs, int[][] toks, float[][] refs, int[] starts) {
        int T = 0;
        for (int[] t : toks) T += t.length;
        InferenceState[] rowSeq = new InferenceState[T];
        int[] rowTok = new int[T];
        int r = 0;
        for (int i = 0; i < seqs.length; i++) for (int tk : toks[i]) { rowSeq[r] = seqs[i]; rowTok[r++] = tk; }
        float[] logits = m.forwardRows(ws, rowSeq, rowTok, T);
        r = 0;
        for (int i = 0; i < seqs.length; i++) {
            for (int j = 0; j < toks[i].length; j++, r++) {
                int pos = starts[i] + j;
                for (int v = 0; v < V; v++) {
                    assertThat(logits[r * V + v]).as("seq %d pos %d token %d", i, pos, v).isCloseTo(refs[i][pos * V + v], org.assertj.core.data.Offset.offset(1e-3f));
                }
            }
        }
        return toks[0].length;
    }

    /**
     * Prompt rows are chunk-invariant: a prompt prefilled alone ({@code prefill}, the engine) and the same prompt
     * fed in uneven chunks beside another sequence's rows ({@code forwardRows} with prompt marks, as the server
     * does), with logits for each sequence's last row only, give the same last-row logits bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-Q8_0.gguf", "exaone-moe-tiny/exaone-moe-tiny-Q8_0.gguf"})
    void promptChunksGiveTheSameBitsAsOnePrefill(String file) throws Exception {
        int[] ids = RefLogits.readIds(SharedData.require("tiny/tokens.txt"));
        try (Model m = ModelLoader.load(SharedData.require("tiny/" + file))) {
            DecoderModel dm = (DecoderModel) m;
            int V = m.config().vocabSize;
            int[] a = Arrays.copyOfRange(ids, 0, 20), b = Arrays.copyOfRange(ids, 3, 15);
            float[] soloA = Arrays.copyOf(m.prefill(m.newState(64), a, false), V);
            float[] soloB = Arrays.copyOf(m.prefill(m.newState(64), b, false), V);

            InferenceState ws = InferenceState.workspace(m.config(), 32);
            InferenceState sa = InferenceState.sequence(m.config(), 64, 32), sb = InferenceState.sequence(m.config(), 64, 32);
            int[][] chunksA = {Arrays.copyOfRange(a, 0, 1), Arrays.copyOfRange(a, 1, 8), Arrays.copyOfRange(a, 8, 20)};
            int[][] chunksB = {Arrays.copyOfRange(b, 0, 9), Arrays.copyOfRange(b, 9, 10), Arrays.copyOfRange(b, 10, 12)};
            float[] lastA = null, lastB = null;
            for (int step = 0; step < 3; step++) {
                int T = chunksA[step].length + chunksB[step].length;
                InferenceState[] rowSeq = new InferenceState[T];
                int[] rowTok = new int[T];
                boolean[] prompt = new boolean[T];
                Arrays.fill(prompt, true);
                int r = 0;
                for (int t : chunksA[step]) { rowSeq[r] = sa; rowTok[r++] = t; }
                for (int t : chunksB[step]) { rowSeq[r] = sb; rowTok[r++] = t; }
                float[] logits = dm.forwardRows(ws, rowSeq, rowTok, T, prompt, true);
                lastA = Arrays.copyOfRange(logits, (chunksA[step].length - 1) * V, chunksA[step].length * V);
                lastB = Arrays.copyOfRange(logits, (T - 1) * V, T * V);
            }
            assertThat(lastA).as("sequence a, chunks 1 + 7 + 12 beside b").containsExactly(soloA);
            assertThat(lastB).as("sequence b, chunks 9 + 1 + 2 beside a").containsExactly(soloB);
        }
    }
}
