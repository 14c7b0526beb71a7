package dev.robust4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.defence.smoothing.Certification;
import dev.robust4j.defence.smoothing.SmoothedClassifier;
import dev.robust4j.defence.smoothing.SmoothedClassifier.Certificate;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CertificationReportTest {

    private static Certification sample() {
        List<Certificate> certs = List.of(
                new Certificate(3, 0.40, 3, 990, 1000, 0.9),
                new Certificate(1, 0.10, 1, 700, 1000, 0.6),
                new Certificate(SmoothedClassifier.ABSTAIN, 0.0, 2, 400, 1000, 0.37),
                new Certificate(5, 0.60, 5, 1000, 1000, 0.99));
        return new Certification(certs, new int[] {3, 2, 2, 5}, 0.25, 100, 1000, 0.001, 1.5);
    }

    @Test
    void certifiedAccuracyCountsCorrectCertificatesAtLeastThatLarge() {
        Certification c = sample();
        // sample 1 is certified for the wrong class, sample 2 abstained
        assertThat(c.certifiedAccuracy(new double[] {0, 0.1, 0.4, 0.5, 0.6, 0.61})).containsExactly(0.5, 0.5, 0.5, 0.25, 0.25, 0);
        assertThat(c.abstentionRate()).isEqualTo(0.25);
        assertThat(c.maxCorrectRadius()).isEqualTo(0.6);
        assertThatThrownBy(() -> c.certifiedAccuracy(-1)).hasMessageContaining("radius must be >= 0, got -1.0");
        assertThatThrownBy(() -> new Certification(c.certificates(), new int[] {1}, 0.25, 1, 1, 0.1, 0))
                .hasMessageContaining("4 certificates, 1 labels");
    }

    @Test
    void pageEscapesUserStringsAndCarriesTheChart() {
        String page = CertificationReport.render(sample(), Certification.DEFAULT_RADII, "<script>model</script>", "d&d",
                List.of("a", "b", "<b>c</b>"), Map.of("seed", 0));
        assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;model").contains("d&amp;d")
                .contains("&lt;b&gt;c&lt;/b&gt;").contains("data:image/png;base64,").contains("abstained");
        ObjectNode json = CertificationJson.toJson(sample(), Certification.DEFAULT_RADII, "m", "d", 1000, 0);
        assertThat(json.get("per_sample").get(2).get("prediction").isNull()).isTrue();
        assertThat(json.get("per_sample").get(1).get("correct").asBoolean()).isFalse();
        assertThat(json.get("certified_accuracy").get(2).get("certified_accuracy").asDouble()).isEqualTo(0.25);
    }
}
