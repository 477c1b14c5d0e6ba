package dev.exaone4j.sampling;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each sampling rule against hand-computed distributions. */
class SamplerTest {
    static SamplerConfig cfg(float temp, int topK, float topP, float minP) {
        return new SamplerConfig(temp, topK, topP, minP, 1f, 0f, 0f, 64, 1);
    }

    static final float[] LOGITS = {2f, 1f, 0f, -1f, 3f};   // softmax order: 4, 0, 1, 2, 3

    @Test
    void greedyPicksTheArgmaxLowestIndexOnTies() {
        assertThat(new Sampler(SamplerConfig.GREEDY).sample(LOGITS.clone())).isEqualTo(4);
        assertThat(new Sampler(SamplerConfig.GREEDY).sample(new float[]{1f, 5f, 5f})).isEqualTo(1);
    }

    @Test
    void topKKeepsOnlyTheKBest() {
        float[] p = new Sampler(cfg(1f, 2, 1f, 0f)).probabilities(LOGITS);
        double e4 = Math.exp(3), e0 = Math.exp(2);
        assertThat(p[4]).isCloseTo((float) (e4 / (e4 + e0)), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(p[0]).isCloseTo((float) (e0 / (e4 + e0)), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(p[1] + p[2] + p[3]).isZero();
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // softmax: 0.6364, 0.2341, 0.0861, 0.0317, 0.0117 for ids 4, 0, 1, 2, 3
        float[] p = new Sampler(cfg(1f, 0, 0.8f, 0f)).probabilities(LOGITS);
        assertThat(p[4]).isPositive();
        assertThat(p[0]).isPositive();
        assertThat(p[1] + p[2] + p[3]).isZero();
    }

    @Test
    void temperatureComesBeforeTopP() {
        // as transformers and vLLM: at temperature 0.5 the best token alone holds 0.87 > top_p 0.8
        float[] p = new Sampler(cfg(0.5f, 0, 0.8f, 0f)).probabilities(new float[] {2f, 1f, 0f, -1f, -3f});
        assertThat(p[0]).isEqualTo(1f);
        assertThat(p[1]).isZero();
    }

    @Test
    void nanLogitsAreNeverPicked() {
        for (float[] l : new float[][] {{Float.NaN, 5f, 1f, 0f}, {5f, 1f, Float.NaN, 0f}}) {
            assertThat(Sampler.argmax(l.clone())).isEqualTo(l[0] == 5f ? 0 : 1);
            for (long seed = 0; seed < 20; seed++) {
                int t = new Sampler(new SamplerConfig(1f, 0, 1f, 0.05f, 1f, 0f, 0f, 64, seed)).sample(l.clone());
                assertThat(Float.isNaN(l[t])).isFalse();
                assertThat(t).isEqualTo(l[0] == 5f ? 0 : 1);   // min_p 0.05 keeps only the best (5 vs 1: e^-4 < 0.05)
            }
        }
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheBest() {
        float[] p = new Sampler(cfg(1f, 0, 1f, 0.1f)).probabilities(LOGITS);   // threshold 0.0636
        assertThat(p[1]).isPositive();
        assertThat(p[2]).isZero();
        assertThat(p[3]).isZero();
    }

    @Test
    void temperatureSharpensAndFlattens() {
        float[] cold = new Sampler(cfg(0.5f, 0, 1f, 0f)).probabilities(LOGITS);
        float[] hot = new Sampler(cfg(2f, 0, 1f, 0f)).probabilities(LOGITS);
        assertThat(cold[4]).isGreaterThan(hot[4]);
        double z = 0;
        for (float l : LOGITS) z += Math.exp(l / 2.0);
        assertThat(hot[3]).isCloseTo((float) (Math.exp(-0.5) / z), org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void penaltiesFollowTheirDefinitions() {
        float[] l = {2f, -2f, 1f};
        new Sampler(new SamplerConfig(1f, 0, 1f, 0f, 2f, 0.5f, 0.25f, 64, 1)).applyPenalties(l, new int[]{0, 1, 1, 9}, 4);
        assertThat(l[0]).isEqualTo(2f / 2f - 0.5f - 0.25f);           // repetition divides positive logits
        assertThat(l[1]).isEqualTo(-2f * 2f - 0.5f - 2 * 0.25f);      // multiplies negative ones; count 2
        assertThat(l[2]).isEqualTo(1f);                               // unseen token untouched
    }

    @Test
    void theSameSeedGivesTheSameDrawsAndSamplingFollowsTheDistribution() {
        int[] counts = new int[5];
        Sampler a = new Sampler(cfg(1f, 0, 1f, 0f)), b = new Sampler(cfg(1f, 0, 1f, 0f));
        for (int i = 0; i < 20000; i++) {
            int x = a.sample(LOGITS.clone());
            assertThat(b.sample(LOGITS.clone())).isEqualTo(x);
            counts[x]++;
        }
        assertThat(counts[4] / 20000.0).isCloseTo(0.6364, org.assertj.core.data.Offset.offset(0.02));
        assertThat(counts[0] / 20000.0).isCloseTo(0.2341, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void invalidParametersAreNamed() {
        assertThatThrownBy(() -> cfg(-1f, 0, 1f, 0f)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> cfg(1f, -1, 1f, 0f)).hasMessageContaining("top-k");
        assertThatThrownBy(() -> cfg(1f, 0, 0f, 0f)).hasMessageContaining("top-p");
        assertThatThrownBy(() -> cfg(1f, 0, 1f, 2f)).hasMessageContaining("min-p");
    }
}
