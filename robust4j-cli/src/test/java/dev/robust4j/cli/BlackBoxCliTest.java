package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line on an ONNX model: black-box (transfer) attacks work, white-box attacks refuse it. */
class BlackBoxCliTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures");
    private static final String ONNX = FIXTURES.resolve("onnx/cnn.onnx").toString();
    private static final String PT = FIXTURES.resolve("torchscript/cnn_traced.pt").toString();
    private static final String X = FIXTURES.resolve("torchscript/x.npy").toString();
    private static final String Y = FIXTURES.resolve("torchscript/y.npy").toString();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every black-box attack with a small budget: name, parameters, most queries per sample. */
    static Stream<Arguments> blackBoxAttacks() {
        return Stream.of(
                Arguments.of("square", List.of("max-queries=200"), 200),
                Arguments.of("simba", List.of("max-queries=200"), 200),
                Arguments.of("zoo", List.of("max-iter=5"), 2 * 128 * 5),
                Arguments.of("one-pixel", List.of("pixels=3", "population=50", "max-iter=5"), 50 * 6),
                Arguments.of("boundary", List.of("max-queries=500"), 500),
                Arguments.of("hop-skip-jump", List.of("max-iter=5", "max-queries=500"), 500),
                Arguments.of("transfer", List.of("surrogate=" + PT, "eps=0.1", "steps=10"), 1));
    }

    /**
     * The definition of done: all seven black-box attacks run from the command line on an
     * ONNX file and on a TorchScript file. Both files hold the same weights, so the two runs agree.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("blackBoxAttacks")
    void everyBlackBoxAttackRunsOnTheOnnxAndTheTorchScriptFile(String attack, List<String> params, int maxQueries,
            @TempDir Path dir) throws Exception {
        double[] sr = new double[2];
        String[] models = {ONNX, PT};
        for (int m = 0; m < 2; m++) {
            Path json = dir.resolve(m + ".json");
            List<String> args = new ArrayList<>(List.of("attack", "--model", models[m], "--input-shape", "1,28,28",
                    "--data", X, "--labels", Y, "--limit", "12", "--attack", attack, "--json", json.toString()));
            for (String p : params) {
                args.add("--param");
                args.add(p);
            }
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as("%s on %s: %s", attack, models[m], r.err()).isZero();
            assertThat(r.out()).startsWith(attack + " (black-box, untargeted) on 12 samples");
            JsonNode o = JSON.readTree(json.toFile());
            assertThat(o.get("attack").asText()).isEqualTo(attack);
            assertThat(o.get("threat_model").asText()).isEqualTo("black-box");
            assertThat(o.get("queries_mean").asDouble()).isPositive().isLessThanOrEqualTo(maxQueries);
            assertThat(o.get("success_rate_by_queries").size()).isPositive();
            sr[m] = o.get("success_rate").asDouble();
        }
        // Same weights in both files; at most one sample of the ten or so may land differently.
        assertThat(sr[0]).as("%s: ONNX vs TorchScript success rate", attack).isCloseTo(sr[1], within(0.11));
    }

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
