package dev.robust4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.Robust4j;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.attack.Targets;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Split;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.Criterion;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The README's library example, as written there, on the TorchScript fixture. */
class ReadmeExampleTest {

    @Test
    void readmeExampleRuns() {
        Path cnn = Fixtures.path("torchscript/cnn_traced.pt");
        // --- as in README.md, with Path.of("cnn.pt") replaced by the fixture ---
        Dataset test = Robust4j.loadData("sample", null, Split.TEST).limit(500);
        try (TorchScriptClassifier model = TorchScriptClassifier.builder()
                        .setModelFile(cnn).setInputShape(1, 28, 28).build();
                NDManager manager = NDManager.newBaseManager()) {
            EvasionAttack pgd = Attacks.pgd(Norm.LINF, 0.1f).steps(40).stepSize(0.01f).restarts(2);
            AttackResult result = AttackRunner.run(pgd, model, test, null, 128, manager, null);
            AttackSummary s = AttackSummary.of(result);
            NDArray adversarial = result.adversarial();
            // --- end of the example ---
            assertThat(adversarial.getShape()).isEqualTo(new Shape(500, 1, 28, 28));
            assertThat(s.successRate()).isGreaterThan(0.8);
            assertThat(s.linfMax()).isLessThanOrEqualTo(0.1 + 1e-6);
        }
    }

    @Test
    void readmeCriterionExampleRuns() {
        Path cnn = Fixtures.path("torchscript/cnn_traced.pt");
        Dataset test = Robust4j.loadData("sample", null, Split.TEST).limit(16);
        try (TorchScriptClassifier model = TorchScriptClassifier.builder()
                        .setModelFile(cnn).setInputShape(1, 28, 28).build();
                NDManager manager = NDManager.newBaseManager()) {
            EvasionAttack pgd = Attacks.pgd(Norm.LINF, 0.3f).steps(20);
            NDArray x = test.features(manager, 0, test.size());
            // --- as in README.md ---
            int[] y = test.labels();                                   // the first N samples' labels
            Criterion goal = Criterion.targeted(y, Targets.next(y, model.numClasses())).withMargin(2);
            try (AttackResult r = pgd.generate(model, x, goal)) {      // success = target class by a margin > 2
                System.out.println(AttackSummary.of(r).successRate());
                // --- end of the example ---
                float[] logits = model.predict(r.adversarial()).toFloatArray();
                int k = model.numClasses();
                for (int i = 0; i < y.length; i++) {
                    int t = (y[i] + 1) % k;
                    double other = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        if (j != t) {
                            other = Math.max(other, logits[i * k + j]);
                        }
                    }
                    // success is exactly "the target's logit beats every other by more than 2"
                    assertThat(r.success()[i]).as("sample %d", i).isEqualTo(logits[i * k + t] - other > 2);
                }
            }
        }
    }
}
