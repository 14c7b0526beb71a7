package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.Classifier;

import java.util.Optional;

/** Assertions every score-based attack's result must pass. */
final class BlackBoxChecks {

    private BlackBoxChecks() {}

    /**
     * Bounds, ball, norms, the success mask as the model's verdict on exactly the returned batch,
     * the hard query budget, early exit, and no queries for samples adversarial at the start.
     */
    static void checkContract(
            Classifier model, float[] x, AttackResult r, Optional<Budget> budget, long maxQueries) {
        int n = r.size();
        int d = x.length / n;
        float[] adv = r.adversarial().toFloatArray();
        float[] delta = new float[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                float v = adv[i * d + j];
                assertThat(v).as("sample %d feature %d in bounds", i, j).isBetween(model.bounds().min(), model.bounds().max());
                delta[j] = v - x[i * d + j];
            }
            if (budget.isPresent()) {
                float norm = budget.get().norm().measure(delta, 0, d);
                assertThat(norm).as("sample %d in the %s ball", i, budget.get().norm())
                        .isLessThanOrEqualTo(budget.get().eps() * 1.00001f + 1e-6f);
            }
            assertThat(r.l0()[i]).isEqualTo(Norm.L0.measure(delta, 0, d));
            assertThat(r.linf()[i]).isEqualTo(Norm.LINF.measure(delta, 0, d));
        }
        try (NDArray logits = model.predict(r.adversarial())) {
            int[] predicted = AttackContext.argMax(logits);
            assertThat(r.adversarialPredictions()).isEqualTo(predicted);
            for (int i = 0; i < n; i++) {
                boolean hit = r.targeted() ? predicted[i] == r.targets()[i] : predicted[i] != r.labels()[i];
                assertThat(r.success()[i]).as("success of sample %d is the model's verdict", i).isEqualTo(hit);
            }
        }
        for (int i = 0; i < n; i++) {
            assertThat(r.queries()[i]).as("queries of sample %d", i).isLessThanOrEqualTo(maxQueries);
            boolean adversarialAtStart = r.targeted()
                    ? r.cleanPredictions()[i] == r.targets()[i]
                    : r.cleanPredictions()[i] != r.labels()[i];
            if (adversarialAtStart) {
                assertThat(r.queries()[i]).as("sample %d needed no attack", i).isZero();
            } else {
                assertThat(r.queries()[i]).as("sample %d was attacked", i).isPositive();
            }
        }
    }

    static double rate(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) {
            if (f) {
                c++;
            }
        }
        return c / (double) flags.length;
    }
}
