package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line on an ONNX model: black-box (transfer) attacks work, white-box attacks refuse it. */
class BlackBoxCliTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures");
    private static final String ONNX = FIXTURES.resolve("onnx/cnn.onnx").toString();
    private static final String PT = FIXTURES.resolve("torchscript/cnn_traced.pt").toString();
    private static final String X = FIXTURES.resolve("torchscript/x.npy").toString();
    private static final String Y = FIXTURES.resolve("torchscript/y.npy").toString();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void transferFromTheTorchScriptCnnToTheOnnxModel(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("transfer.json");
        CliTest.Run r = CliTest.run("attack", "--model", ONNX, "--data", X, "--labels", Y, "--limit", "24",
                "--attack", "transfer", "--param", "surrogate=" + PT, "--param", "attack=pgd", "--param", "eps=0.1",
                "--param", "steps=10", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("transfer (black-box, untargeted) on 24 samples: clean accuracy")
                .contains("1.0 queries/sample");
        JsonNode o = JSON.readTree(json.toFile());
        assertThat(o.get("attack").asText()).isEqualTo("transfer");
        assertThat(o.get("threat_model").asText()).isEqualTo("black-box");
        assertThat(o.get("params").get("surrogate").asText()).isEqualTo("TorchScript cnn_traced.pt");
        assertThat(o.get("params").get("attack").asText()).isEqualTo("pgd");
        assertThat(o.get("params").get("steps").asInt()).isEqualTo(10);
        assertThat(o.get("params").get("seed").asLong()).isZero();
        assertThat(o.get("queries_mean").asDouble()).isEqualTo(1.0);
        assertThat(o.get("success_rate").asDouble()).as("same weights: PGD transfers").isGreaterThan(0.6);
        assertThat(o.get("perturbation").get("linf_max").asDouble()).isLessThanOrEqualTo(0.1 + 1e-6);
    }

    @Test
    void whiteBoxAttacksRefuseTheOnnxModelAndTransferNeedsAGradientSurrogate(@TempDir Path dir) {
        assertBad(CliTest.run("attack", "--model", ONNX, "--data", X, "--labels", Y, "--limit", "4", "--attack", "fgsm"),
                "attack fgsm is white-box and needs input gradients, but ONNX cnn.onnx only answers predictions");
        assertBad(CliTest.run("attack", "--model", ONNX, "--data", X, "--labels", Y, "--attack", "transfer"),
                "attack transfer needs parameter surrogate=PATH");
        assertBad(CliTest.run("attack", "--model", ONNX, "--data", X, "--labels", Y, "--attack", "transfer",
                "--param", "surrogate=" + ONNX), "surrogate ONNX cnn.onnx has no input gradients");
        assertBad(CliTest.run("attack", "--model", ONNX, "--data", X, "--labels", Y, "--attack", "transfer",
                "--param", "surrogate=" + dir.resolve("none.pt")), "does not exist");
        assertBad(CliTest.run("attack", "--model", ONNX, "--data", X, "--labels", Y, "--attack", "transfer",
                "--param", "surrogate=" + PT, "--param", "stepz=3"), "attack transfer: unknown parameter 'stepz' for attack pgd");
    }

    private static void assertBad(CliTest.Run r, String message) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> l.startsWith("robust4j:")).count()).isEqualTo(1);
    }
}
