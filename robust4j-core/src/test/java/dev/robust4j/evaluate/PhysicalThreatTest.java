package dev.robust4j.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.Attacks;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.report.HtmlReport;
import dev.robust4j.report.RobustnessReportJson;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.transform.Survival;
import dev.robust4j.transform.TransformSpec;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The robustness test under a physical threat model, on the TorchScript CNN fixture (its first 16
 * images): the figures under T obey their definitions' identities, agree with
 * {@link Survival#measure} on the same draws, reduce to the untransformed figures at strength 0,
 * and are measured again after a defence (a preprocessor, and a detector that judges the
 * transformed inputs).
 */
class PhysicalThreatTest {

    private static final int N = 16;
    private static TorchScriptClassifier model;
    private static Dataset data;

    @BeforeAll
    static void load() {
        model = Fixtures.tracedCnn();
        try (NDManager m = NDManager.newBaseManager()) {
            long[] y = Fixtures.labels(N);
            int[] labels = new int[N];
            for (int i = 0; i < N; i++) {
                labels[i] = (int) y[i];
            }
            data = new Dataset(Fixtures.images(m, N).toFloatArray(), new long[] {1, 28, 28}, labels, List.of(),
                    "fixture images");
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void everyRoundIsMeasuredUnderTheTransformationAndJudgedOnIt() {
        TransformSpec spec = TransformSpec.parse("rotation=15,translation=2");
        PhysicalThreat threat = new PhysicalThreat(spec, 6, 3, new double[] {0, 0.5, 1}, 3);
        AttackPool pool = AttackPool.of(Attacks.fgsm(0.1f), AttackRegistry.create("eot-pgd",
                Map.of("eps", "0.1", "steps", "4", "step-size", "0.03", "eot-samples", "2", "rotation", "15",
                        "translation", "2")));
        double target = 0.3;
        RobustnessReport report = RobustnessEvaluation.builder()
                .setData(data)
                .setPool(pool)
                .setTargetSuccessRate(target)
                .optModel(model)
                .optPhysical(threat)
                .optDefences(List.of(DefenceCandidate.parse("median-smoothing:window=3"),
                        DefenceCandidate.parse("squeezing-detector:bit-depth=1,window=2,fpr=0.1")))
                .optCalibration(data)
                .optStopWhenMet(false)
                .build()
                .run();

        assertThat(report.rounds()).hasSize(3);
        for (Round r : report.rounds()) {
            PhysicalResult p = r.physical();
            assertThat(p).as("round %d is measured under T", r.index()).isNotNull();
            assertThat(p.threat()).isEqualTo(threat);
            assertThat(p.attacks()).extracting(PhysicalResult.Attack::label)
                    .containsExactly("fgsm linf eps=0.1", "eot-pgd linf eps=0.1");
            assertThat(r.judgedSuccessRate()).isEqualTo(p.successRate());
            assertThat(r.targetMet()).isEqualTo(p.successRate() <= target);
            // strength 0 is the identity: the untransformed figures, detector included
            assertThat(p.cleanAccuracyAtStrength()[0]).isCloseTo(r.cleanAccuracy(), within(1e-12));
            double worst = 0;
            for (PhysicalResult.Attack a : p.attacks()) {
                AttackOutcome o = r.pool().attack(a.label());
                assertThat(a.successRateAtStrength()[0]).as(a.label()).isCloseTo(o.successRate(), within(1e-12));
                if (o.successRate() > 0) {
                    assertThat(a.survivalAtStrength()[0]).as(a.label()).isEqualTo(1.0);
                }
                assertThat(a.successRate()).isBetween(0.0, 1.0);
                assertThat(a.survival()).isBetween(0.0, 1.0);
                // robust accuracy under T = clean accuracy under T x (1 - success rate under T)
                assertThat(a.robustAccuracy()).isCloseTo(p.cleanAccuracy() * (1 - a.successRate()), within(1e-12));
                worst = Math.max(worst, a.successRate());
            }
            assertThat(p.successRate()).isBetween(worst, 1.0);
            assertThat(p.robustAccuracy()).isCloseTo(p.cleanAccuracy() * (1 - p.successRate()), within(1e-12));
        }

        // the clean measurement draws exactly what Survival.measure draws with the same seed
        Round r0 = report.rounds().get(0);
        long[] labels = new long[N];
        for (int i = 0; i < N; i++) {
            labels[i] = data.labels()[i];
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Survival clean = Survival.measure(model, Fixtures.images(m, N), labels, null, spec, 6, 3, 0);
            assertThat(r0.physical().cleanAccuracy()).isCloseTo(1 - clean.mean(null), within(1e-12));
        }
        // the defended round measured a different model, so at least one figure moved
        PhysicalResult p0 = r0.physical();
        PhysicalResult p1 = report.rounds().get(1).physical();
        assertThat(p1.cleanAccuracy() != p0.cleanAccuracy() || p1.successRate() != p0.successRate()).isTrue();

        JsonNode json = RobustnessReportJson.toJson(report);
        assertThat(json.get("physical").get("transform").get("rotation").asDouble()).isEqualTo(15.0);
        JsonNode jp = json.get("rounds").get(1).get("physical");
        assertThat(jp.get("success_rate").asDouble()).isEqualTo(p1.successRate());
        assertThat(jp.get("strengths")).hasSize(3);
        assertThat(jp.get("attacks").get(1).get("survival_at_strength")).hasSize(3);
        assertThat(json.get("rounds").get(0).get("target_met").asBoolean()).isEqualTo(p0.successRate() <= target);
        String html = HtmlReport.render(report);
        assertThat(html).contains("Physical threat model").contains("Under transformation: rotation=15,translation=2")
                .contains("alt=\"survival against transformation strength, round 0\"")
                .contains("alt=\"survival against transformation strength, round 1\"");
        assertThat(report.verdict()).contains("success rate under rotation=15,translation=2");
    }

    @Test
    void settingsAreChecked() {
        TransformSpec spec = TransformSpec.parse("rotation=5");
        assertThatThrownBy(() -> PhysicalThreat.of(TransformSpec.NONE)).hasMessageContaining("needs a transformation");
        assertThatThrownBy(() -> new PhysicalThreat(spec, 0, 0, new double[] {1}, 1))
                .hasMessage("survival draws must be >= 1, got 0");
        assertThatThrownBy(() -> new PhysicalThreat(spec, 2, 0, new double[] {0.5, 0.25}, 1))
                .hasMessage("survival strengths must increase, got [0.5, 0.25]");
        assertThatThrownBy(() -> new PhysicalThreat(spec, 2, 0, new double[] {2}, 1))
                .hasMessage("survival strengths must be factors in [0, 1], got 2.0");
        Dataset flat = new Dataset(new float[8], new long[] {4}, new int[2], List.of(), "flat");
        assertThatThrownBy(() -> RobustnessEvaluation.builder().setData(flat).setPool(AttackPool.of(Attacks.fgsm(0.1f)))
                .setTargetSuccessRate(0.1).optModel(model).optPhysical(PhysicalThreat.of(spec)).build())
                .hasMessageContaining("need image samples").hasMessageContaining("flat has samples of shape [4]");
    }
}
