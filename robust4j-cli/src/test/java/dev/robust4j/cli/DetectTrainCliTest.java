package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detect --train} makes a binary detector and {@code detect --detector} evaluates it; bad usage exits 2. */
class DetectTrainCliTest {

    private static final String MODEL = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures",
            "torchscript", "cnn_traced.pt").toString();

    @Test
    void trainsSavesAndEvaluatesABinaryDetector(@TempDir Path dir) throws Exception {
        Path det = dir.resolve("det");
        CliTest.Run t = CliTest.run("detect", "--train", "--model", MODEL, "--data", "sample", "--offset", "100",
                "--limit", "120", "--attack", "fgsm", "--param", "eps=0.1", "--epochs", "1", "--arch", "mlp",
                "--calibrate", "sample", "--calibrate-limit", "100", "--out", det.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("binary input detector (mlp, trained on fgsm adversarials)",
                "trained on 120 clean samples", "for FPR 0.050 on 100 clean samples", "saved to");
        JsonNode meta = new ObjectMapper().readTree(det.resolve("robust4j-detector.json").toFile());
        assertThat(meta.get("kind").asText()).isEqualTo("binary-input");
        assertThat(meta.get("provenance").get("attack_params").get("eps").asDouble()).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(meta.get("threshold").isNumber()).isTrue();

        Path json = dir.resolve("detect.json");
        CliTest.Run e = CliTest.run("detect", "--model", MODEL, "--detector", det.toString(), "--calibrate", "sample",
                "--calibrate-limit", "100", "--fpr", "0.1", "--data", "sample", "--limit", "30", "--attacks", "fgsm,pgd",
                "--param", "eps=0.1", "--json", json.toString());
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(json.toFile());
        assertThat(o.get("detector").asText()).isEqualTo("binary input detector (mlp, trained on fgsm adversarials)");
        assertThat(o.get("fpr_calibration").asDouble()).isLessThanOrEqualTo(0.1);
        assertThat(o.get("attacks")).hasSize(2);
        assertThat(o.get("attacks").get(1).get("params").get("eps").asDouble()).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void badUsageExitsTwoAndReplacesNothing(@TempDir Path dir) throws Exception {
        CliTest.Run r = CliTest.run("detect", "--train", "--model", MODEL, "--data", "sample", "--limit", "10");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--train needs --out DIR");
        r = CliTest.run("detect", "--model", MODEL, "--data", "sample", "--calibrate", "sample", "--out", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--out needs --train");
        r = CliTest.run("detect", "--model", MODEL, "--data", "sample", "--limit", "10");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--calibrate CLEAN is required");
        r = CliTest.run("detect", "--model", MODEL, "--data", "sample", "--calibrate", "sample", "--detector", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is not a detector directory");
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("keep.txt"), "x");
        r = CliTest.run("detect", "--train", "--model", MODEL, "--data", "sample", "--limit", "10", "--out", other.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not a detector directory; refusing to replace it");
        assertThat(Files.readString(other.resolve("keep.txt"))).isEqualTo("x");
        r = CliTest.run("detect", "--train", "--model", MODEL, "--data", "sample", "--offset", "20000", "--out",
                dir.resolve("d").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--offset 20000 leaves no samples of 10000");
        assertThat(dir.resolve("d")).doesNotExist();
    }
}
