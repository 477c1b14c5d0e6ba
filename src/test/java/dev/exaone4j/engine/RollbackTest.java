package dev.exaone4j.engine;

import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.KvCache;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.testutil.RefLogits;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rolling a sequence back (rejected speculative tokens) never loses a key/value a later query needs, in particular in
 * sliding-window rings: KvCache keeps window + maxBatch slots, which allows a rollback of up to maxBatch + 1 positions
 * (the speculative step rolls back at most draft ≤ 4 < maxBatch).
 */
class RollbackTest {
    /**
     * The ring claim itself, on a bare cache: random batches (1..maxBatch) written then partly rolled back (up to the
     * whole batch, i.e. up to maxBatch positions), across many wraps of the ring; after every batch each position a
     * query may see holds its own key.
     */
    @Test
    void slidingRingKeepsEveryVisibleSlotThroughRollbacks() {
        for (int window : new int[]{1, 3, 8}) {
            for (int maxBatch : new int[]{1, 2, 5}) {
                KvCache cache = new KvCache(1, window, maxBatch, 10_000);
                SplittableRandom rng = new SplittableRandom(window * 31L + maxBatch);
                int pos = 0;
                while (pos < 300) {
                    int t = 1 + rng.nextInt(maxBatch);
                    cache.ensure(pos + t);
                    for (int i = 0; i < t; i++) cache.keys()[cache.offset(pos + i)] = pos + i;  // key = its position
                    // every query of the batch sees its window intact
                    for (int qp = pos; qp < pos + t; qp++) assertVisible(cache, qp, window, maxBatch);
                    pos += rng.nextInt(t + 1);                     // keep 0..t of them: roll back up to the whole batch
                    if (pos > 0) assertVisible(cache, pos - 1, window, maxBatch);
                }
            }
        }
    }

    static void assertVisible(KvCache cache, int query, int window, int maxBatch) {
        for (int p = cache.firstVisible(query); p <= query; p++) {
            assertThat(cache.keys()[cache.offset(p)]).as("window %d, maxBatch %d: query %d sees position %d", window, maxBatch, query, p)
                    .isEqualTo((float) p);
        }
    }

    /**
     * The same through the model (window 8, sliding rings of 8 + 4 slots): garbage batches of up to 4 tokens are run
     * and rolled back at every position while the sequence crosses the window boundary several times; the logits of the
     * true tokens equal those of a clean run.
     */
    @Test
    void modelRollbackAcrossTheWindowBoundary() throws Exception {
        int[] ids = RefLogits.readIds(SharedData.require("tiny/tokens.txt"));
        try (Model m = ModelLoader.load(SharedData.require("tiny/exaone-moe-tiny/exaone-moe-tiny-F32.gguf"))) {
            int vocab = m.config().vocabSize;
            assertThat(m.config().slidingWindow).isEqualTo(8);
            float[] clean = m.forward(m.newState(64), ids, true).clone();

            InferenceState s = new InferenceState(m.config(), 64, 4);
            double maxDiff = 0, maxAbs = 0;
            for (int i = 0; i < ids.length; i++) {
                int[] batch = {ids[i], (i * 37 + 1) % vocab, (i * 11 + 3) % vocab, (i * 5 + 7) % vocab};
                int t = 1 + (i * 3) % 4;                              // 1..4 rows, the first the true token
                float[] logits = m.forward(s, batch, 0, t, true);
                for (int v = 0; v < vocab; v++) {
                    maxAbs = Math.max(maxAbs, Math.abs(clean[i * vocab + v]));
                    maxDiff = Math.max(maxDiff, Math.abs(logits[v] - clean[i * vocab + v]));
                }
                s.truncate(i + 1);                                    // reject the t - 1 garbage tokens
            }
            System.out.printf("rollback vs clean run: rel %.2e%n", maxDiff / maxAbs);
            assertThat(maxDiff / maxAbs).isLessThanOrEqualTo(1e-5);

            // the largest rollback the ring allows: a full batch of 4 garbage tokens rejected at once, past the window
            InferenceState s2 = new InferenceState(m.config(), 64, 4);
            m.forward(s2, ids, 0, 10, false);
            m.forward(s2, new int[]{5, 6, 7, 8}, 0, 4, false);
            s2.truncate(10);
            float[] after = m.forward(s2, ids, 10, ids.length - 10, true);
            maxDiff = 0;
            for (int i = 10; i < ids.length; i++) {
                for (int v = 0; v < vocab; v++) maxDiff = Math.max(maxDiff, Math.abs(after[(i - 10) * vocab + v] - clean[i * vocab + v]));
            }
            assertThat(maxDiff / maxAbs).isLessThanOrEqualTo(1e-5);
        }
    }
}
