package dev.robust4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.evaluate.Example;
import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.evaluate.ThreatModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RobustnessReportJsonTest {

    static RobustnessReport report;
    static ObjectNode json;

    @BeforeAll
    static void build() {
        report = SampleReports.build();
        json = RobustnessReportJson.toJson(report);
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void summaryKeys() {
        assertThat(keys(json)).containsExactly("verdict", "target_met", "threat_model", "target_success_rate", "best_round",
                "rounds", "class_names", "provenance");
        assertThat(json.get("verdict").asText()).isEqualTo(report.verdict());
        assertThat(json.get("target_met").asBoolean()).isTrue();
        assertThat(json.get("threat_model").asText()).isEqualTo("white-box");
        assertThat(json.get("target_success_rate").asDouble()).isEqualTo(0.2);
        assertThat(json.get("best_round").get("index").asInt()).isEqualTo(2);
        assertThat(json.get("best_round").get("defence").asText()).isEqualTo("adversarial-training:preset=madry");
        assertThat(json.get("rounds")).hasSize(3);
        // JSON is not HTML: strings are kept as they are (Jackson escapes for JSON)
        assertThat(json.get("class_names").get(0).asText()).isEqualTo(SampleReports.EVIL_CLASS);
        assertThat(json.get("class_names")).hasSize(10);
    }

    @Test
    void roundKeysAndValues() {
        JsonNode r1 = json.get("rounds").get(1);
        assertThat(keys(r1)).containsExactly("index", "defence", "kinds", "model", "defence_seconds", "samples",
                "clean_accuracy", "success_rate", "robust_accuracy", "target_met", "seconds", "attacks", "curves",
                "examples");
        assertThat(r1.get("index").asInt()).isEqualTo(1);
        assertThat(r1.get("defence").asText()).isEqualTo(SampleReports.DETECTOR_DEFENCE);
        assertThat(r1.get("kinds").toString()).isEqualTo("[\"preprocessing\",\"detector\"]");
        assertThat(r1.get("model").asText()).startsWith("cnn + feature-squeezing");
        assertThat(r1.get("defence_seconds").asDouble()).isEqualTo(3.25);
        assertThat(r1.get("samples").asInt()).isEqualTo(100);
        assertThat(r1.get("clean_accuracy").asDouble()).isEqualTo(0.85);
        assertThat(r1.get("success_rate").asDouble()).isEqualTo(0.45);
        assertThat(r1.get("robust_accuracy").asDouble()).isEqualTo(0.47);
        assertThat(r1.get("target_met").asBoolean()).isFalse();
        assertThat(r1.get("seconds").asDouble()).isEqualTo(12.5);
        assertThat(json.get("rounds").get(0).get("kinds")).isEmpty();
        assertThat(json.get("rounds").get(2).get("target_met").asBoolean()).isTrue();
    }

    @Test
    void attacksWithKindPerturbationDetectionAndSkips() {
        JsonNode fgsm = json.get("rounds").get(1).get("attacks").get(0);
        assertThat(keys(fgsm)).containsExactly("label", "attack", "params", "kind", "access", "samples", "success_rate",
                "robust_accuracy", "perturbation", "queries_mean", "seconds", "detected_rate", "skipped");
        assertThat(fgsm.get("label").asText()).isEqualTo("fgsm linf eps=0.1");
        assertThat(fgsm.get("attack").asText()).isEqualTo("fgsm");
        assertThat(fgsm.get("params").toString()).isEqualTo("{\"eps\":0.1,\"norm\":\"linf\"}");
        assertThat(fgsm.get("kind").asText()).isEqualTo("white-box");
        assertThat(fgsm.get("access").asText()).isEqualTo("gradients");
        assertThat(fgsm.get("success_rate").asDouble()).isEqualTo(0.31);
        assertThat(fgsm.get("detected_rate").asDouble()).isEqualTo(0.4);
        assertThat(fgsm.get("skipped").isNull()).isTrue();
        JsonNode p = fgsm.get("perturbation");
        assertThat(keys(p)).containsExactly("l0_mean", "l2_mean", "l2_median", "linf_mean", "linf_max");
        assertThat(p.get("l2_median").asDouble()).isEqualTo(2.0);
        assertThat(p.get("linf_max").asDouble()).isEqualTo(0.1);

        JsonNode pgd = json.get("rounds").get(1).get("attacks").get(1);
        assertThat(pgd.get("skipped").asText()).isEqualTo("the detector <b>hides</b> gradients & pgd needs them");
        for (String k : List.of("success_rate", "robust_accuracy", "queries_mean", "detected_rate")) {
            assertThat(pgd.get(k).isNull()).as(k).isTrue();
        }
        assertThat(pgd.get("perturbation").get("l2_mean").isNull()).isTrue();

        JsonNode square = json.get("rounds").get(1).get("attacks").get(2);
        assertThat(square.get("kind").asText()).isEqualTo("black-box");
        assertThat(square.get("access").asText()).isEqualTo("scores");
        assertThat(square.get("queries_mean").asDouble()).isEqualTo(610.0);
        assertThat(square.get("perturbation").get("l2_median").isNull()).isTrue();
        // without a detector the detected rate is null
        assertThat(json.get("rounds").get(0).get("attacks").get(0).get("detected_rate").isNull()).isTrue();
    }

    @Test
    void curvesKeepNaNsAsNulls() {
        JsonNode c = json.get("rounds").get(1).get("curves").get(0);
        assertThat(keys(c)).containsExactly("attack", "params", "epsilons", "robust_accuracy", "success_rate");
        assertThat(c.get("attack").asText()).isEqualTo("fgsm");
        assertThat(c.get("epsilons").toString()).isEqualTo("[0.0,0.05,0.1,0.2]");
        assertThat(c.get("robust_accuracy").toString()).isEqualTo("[0.85,null,0.58,0.3]");
        assertThat(c.get("success_rate").toString()).isEqualTo("[0.0,null,0.31,0.65]");
        assertThat(json.get("rounds").get(0).get("curves")).hasSize(2);
    }

    @Test
    void examplesCarryLabelsAndNamesButNoPixels() {
        JsonNode e = json.get("rounds").get(0).get("examples").get(0);
        Example x = report.rounds().get(0).pool().examples().get(0);
        assertThat(keys(e)).containsExactly("index", "shape", "label", "label_name", "clean_prediction",
                "clean_prediction_name", "adversarial_prediction", "adversarial_prediction_name", "attack", "l2", "linf");
        assertThat(e.get("index").asInt()).isEqualTo(x.index());
        assertThat(e.get("shape").toString()).isEqualTo("[1,28,28]");
        assertThat(e.get("label").asInt()).isZero();
        assertThat(e.get("label_name").asText()).isEqualTo(SampleReports.EVIL_CLASS);
        assertThat(e.get("adversarial_prediction").asInt()).isEqualTo(1);
        assertThat(e.get("adversarial_prediction_name").asText()).isEqualTo("Trouser");
        assertThat(e.get("attack").asText()).isEqualTo("pgd linf eps=0.1");
        assertThat(e.get("l2").asDouble()).isEqualTo(Double.parseDouble(Float.toString(x.l2())));
        assertThat(e.get("linf").asDouble()).isEqualTo(Double.parseDouble(Float.toString(x.linf()))).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(json.get("rounds").get(2).get("examples")).hasSize(SampleReports.EXAMPLES[2]);
    }

    @Test
    void provenanceIsNestedWithNaNAsNull() {
        JsonNode p = json.get("provenance");
        assertThat(p.get("seed").asLong()).isEqualTo(7);
        assertThat(p.get("threads").asInt()).isEqualTo(2);
        assertThat(p.get("config").get("target-sr").asDouble()).isEqualTo(0.2);
        assertThat(p.get("config").get("comment").asText()).isEqualTo("<img src=x onerror=alert(2)>");
        assertThat(p.get("versions").get("djl").asText()).isEqualTo("0.36.0");
        assertThat(p.get("undefined").isNull()).isTrue();
        assertThat(p.get("yaml").asText()).contains("\n  - fgsm");
    }

    @Test
    void serialisesToStrictJson() throws Exception {
        String text = AttackRunJson.MAPPER.writeValueAsString(json);
        assertThat(text).doesNotContain("NaN", "Infinity");
        assertThat(new ObjectMapper().readTree(text).toString()).isEqualTo(json.toString());
    }

    @Test
    void noClassNamesGiveNullNames() {
        RobustnessReport bare = new RobustnessReport(ThreatModel.WHITE_BOX, 0.2, report.rounds(), 2, List.of(), Map.of());
        JsonNode e = RobustnessReportJson.toJson(bare).get("rounds").get(0).get("examples").get(0);
        assertThat(e.get("label_name").isNull()).isTrue();
        assertThat(e.get("adversarial_prediction_name").isNull()).isTrue();
        assertThatThrownBy(() -> RobustnessReportJson.toJson(new RobustnessReport(ThreatModel.WHITE_BOX, 0.2, List.of(), 0,
                List.of(), Map.of()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rounds");
    }
}
