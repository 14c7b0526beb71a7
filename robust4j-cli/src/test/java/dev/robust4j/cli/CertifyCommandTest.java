package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code robust4j certify} on the committed cnn2 fixture, with few draws. */
class CertifyCommandTest {

    private static final Path CNN2 = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "cnn2");

    private static CliTest.Run certify(Path dir, String... extra) {
        String[] base = {"certify", "--model", CNN2.resolve("cnn2_traced.pt").toString(), "--data",
            CNN2.resolve("x.npy").toString(), "--labels", CNN2.resolve("y.npy").toString(), "--limit", "4",
            "--sigma", "0.25", "--n0", "20", "--n", "200", "--alpha", "0.01"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliTest.run(args);
    }

    @Test
    void printsTheCurveAndWritesJsonAndHtml(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("cert.json");
        Path html = dir.resolve("cert.html");
        CliTest.Run r = certify(dir, "--json", json.toString(), "--html", html.toString(), "--batch", "64");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("certify: sigma 0.25, n0 20, n 200, alpha 0.01 on 4 samples")
                .contains("L2 radius  certified accuracy").contains("  0.25 ").contains("  1.0 ").contains("abstained");
        JsonNode o = new ObjectMapper().readTree(json.toFile());
        assertThat(o.get("command").asText()).isEqualTo("certify");
        assertThat(o.get("params").get("batch_size").asInt()).isEqualTo(64);
        assertThat(o.get("samples").asInt()).isEqualTo(4);
        assertThat(o.get("certified_accuracy")).hasSize(5);
        JsonNode per = o.get("per_sample");
        assertThat(per).hasSize(4);
        int correctAtZero = 0;
        int abstained = 0;
        // the largest radius 200 draws can certify at alpha 0.01: sigma * PhiInv(0.01^(1/200))
        double cap = 0.25 * dev.robust4j.defence.smoothing.SmoothingStatistics.normalQuantile(Math.pow(0.01, 1.0 / 200));
        for (JsonNode s : per) {
            boolean abst = s.get("abstained").asBoolean();
            assertThat(s.get("prediction").isNull()).isEqualTo(abst);
            assertThat(s.get("radius").asDouble()).isBetween(0.0, cap + 1e-9);
            if (abst) {
                abstained++;
                assertThat(s.get("radius").asDouble()).isZero();
                assertThat(s.get("correct").asBoolean()).isFalse();
            } else {
                assertThat(s.get("correct").asBoolean()).isEqualTo(s.get("prediction").asInt() == s.get("label").asInt());
                correctAtZero += s.get("correct").asBoolean() ? 1 : 0;
            }
        }
        assertThat(o.get("certified_accuracy").get(0).get("certified_accuracy").asDouble()).isEqualTo(correctAtZero / 4.0);
        assertThat(o.get("abstention_rate").asDouble()).isEqualTo(abstained / 4.0);
        // beyond the cap nothing is certified
        assertThat(o.get("certified_accuracy").get(4).get("certified_accuracy").asDouble()).isZero();
        String page = Files.readString(html);
        assertThat(page).contains("<img src=\"data:image/png;base64,").contains("Certified robustness")
                .contains("sigma 0.25");
    }

    @Test
    void theNoiseBatchSizeDoesNotChangeTheCertificates(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        assertThat(certify(dir, "--json", a.toString(), "--batch-size", "200").code()).isZero();
        assertThat(certify(dir, "--json", b.toString(), "--batch-size", "33").code()).isZero();
        ObjectMapper m = new ObjectMapper();
        // same seed: every row gets the same draws in the same order, whatever the batch (a vote could
        // differ only if libtorch scored one noisy image differently by batch size, within float noise
        // of a decision boundary)
        JsonNode pa = m.readTree(a.toFile()).get("per_sample");
        JsonNode pb = m.readTree(b.toFile()).get("per_sample");
        for (int i = 0; i < pa.size(); i++) {
            assertThat(Math.abs(pa.get(i).get("count").asInt() - pb.get(i).get("count").asInt())).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aFailedRunLeavesTheOldOutput(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("old.json");
        Files.writeString(json, "{\"old\": true}");
        CliTest.Run r = CliTest.run("certify", "--model", CNN2.resolve("cnn2_traced.pt").toString(), "--data",
                CNN2.resolve("x.npy").toString(), "--labels", dir.resolve("missing.npy").toString(), "--sigma", "0.25",
                "--json", json.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(Files.readString(json)).isEqualTo("{\"old\": true}");
    }
}
