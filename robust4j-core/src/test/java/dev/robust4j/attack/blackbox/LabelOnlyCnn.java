package dev.robust4j.attack.blackbox;

import static dev.robust4j.attack.blackbox.LabelOnly.D;
import static dev.robust4j.attack.blackbox.LabelOnly.X;
import static dev.robust4j.attack.blackbox.LabelOnly.Y;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;

/**
 * The CNN fixture behind a label-only wrapper (one-hot answers, no gradients), and a runner that
 * checks the attack contract on every result: bounds, norms, and the success mask as the model's
 * verdict on exactly the returned rows.
 */
final class LabelOnlyCnn implements AutoCloseable {

    private final TorchScriptClassifier cnn;
    private final NDManager manager;
    private final FunctionClassifier model;

    LabelOnlyCnn() {
        cnn = TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                .setInputShape(1, 28, 28)
                .build();
        manager = NDManager.newBaseManager();
        model = LabelOnly.wrap(cnn, manager);
        assertThat(model).isNotInstanceOf(DifferentiableClassifier.class);
        assertThat(model.outputKind()).isEqualTo(Classifier.OutputKind.LABEL_ONLY);
    }

    /**
     * Attacks the first {@code n} images, untargeted or towards {@code (y + 1) mod 10}.
     *
     * @return the result, checked; close it
     */
    AttackResult run(AbstractEvasionAttack attack, int n, boolean targeted) {
        try (NDManager m = manager.newSubManager()) {
            AttackResult r = targeted
                    ? attack.generate(model, LabelOnly.images(m, n), LabelOnly.labels(m, n), LabelOnly.nextClass(m, n))
                    : attack.generate(model, LabelOnly.images(m, n), LabelOnly.labels(m, n));
            r.adversarial().attach(manager);
            check(r, n);
            return r;
        }
    }

    private void check(AttackResult r, int n) {
        float[] adv = r.adversarial().toFloatArray();
        for (float v : adv) {
            assertThat(v).isBetween(0f, 1f);
        }
        try (NDArray logits = cnn.predict(r.adversarial())) {
            int[] predicted = AttackContext.argMax(logits);
            assertThat(r.adversarialPredictions()).isEqualTo(predicted);
            for (int i = 0; i < n; i++) {
                boolean expected = r.targeted() ? predicted[i] == r.targets()[i] : predicted[i] != Y[i];
                assertThat(r.success()[i]).as("sample %d", i).isEqualTo(expected);
                double l2 = DecisionSearch.l2(adv, i * D, X, i * D, D);
                assertThat((double) r.l2()[i]).isCloseTo(l2, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    /**
     * The smallest logit margin on the adversarial side over the successful samples of a result,
     * relative to the logits' scale: per sample {@code (z_t - max_{j != t} z_j)} (targeted) or
     * {@code (max_{j != y} z_j - z_y)} (untargeted), divided by {@code max(1, max_j |z_j|)}, the
     * logits computed by the scoring model behind the label-only wrapper.
     *
     * @return the smallest relative margin, or {@code +inf} if no sample succeeded
     */
    double smallestRelativeMargin(AttackResult r) {
        double smallest = Double.POSITIVE_INFINITY;
        try (NDArray logits = cnn.predict(r.adversarial())) {
            float[] z = logits.toFloatArray();
            int k = z.length / r.size();
            for (int i = 0; i < r.size(); i++) {
                if (!r.success()[i] || !r.cleanCorrect()[i]) {
                    continue;
                }
                int c = r.targeted() ? (int) r.targets()[i] : (int) Y[i];
                double other = Double.NEGATIVE_INFINITY;
                double scale = 1;
                for (int j = 0; j < k; j++) {
                    scale = Math.max(scale, Math.abs(z[i * k + j]));
                    if (j != c) {
                        other = Math.max(other, z[i * k + j]);
                    }
                }
                double margin = r.targeted() ? z[i * k + c] - other : other - z[i * k + c];
                smallest = Math.min(smallest, margin / scale);
            }
        }
        return smallest;
    }

    @Override
    public void close() {
        manager.close();
        cnn.close();
    }
}
