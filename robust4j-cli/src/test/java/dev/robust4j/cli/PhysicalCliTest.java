package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EOT from the command line: eot-pgd, eot-samples on another attack, --survival in the record, and
 * the physical threat model of {@code evaluate} (YAML {@code survival:} and the --survival flags).
 */
class PhysicalCliTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "torchscript");

    private static String[] attack(String... more) {
        String[] common = {"attack", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
            "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
            "--limit", "8"};
        String[] all = new String[common.length + more.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return all;
    }

    @Test
    void eotPgdRecordsItsTransformAndTheSurvivalOfItsAdversarials(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("eot.json");
        CliTest.Run r = CliTest.run(attack("--attack", "eot-pgd", "--param", "eps=0.1", "--param", "steps=5",
                "--param", "rotation=15", "--param", "translation=2", "--param", "eot-samples=2",
                "--survival", "rotation=15,translation=2", "--survival-draws", "10", "--json", json.toString()));
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("eot-pgd (white-box, untargeted) on 8 samples")
                .contains("survival under rotation=15,translation=2 (10 draws per sample)");
        JsonNode o = new ObjectMapper().readTree(json.toFile());
        assertThat(o.get("attack").asText()).isEqualTo("eot-pgd");
        assertThat(o.get("params").get("eot-samples").asInt()).isEqualTo(2);
        assertThat(o.get("params").get("rotation").asDouble()).isEqualTo(15.0);
        assertThat(o.get("params").get("early-stop").asBoolean()).isFalse();
        assertThat(o.get("perturbation").get("linf_max").asDouble()).isLessThanOrEqualTo(0.1 + 1e-6);
        JsonNode s = o.get("survival");
        assertThat(s.get("transform").get("translation").asDouble()).isEqualTo(2.0);
        assertThat(s.get("draws").asInt()).isEqualTo(10);
        for (String k : new String[] {"clean_accuracy", "attacked_mean"}) {
            assertThat(s.get(k).asDouble()).as(k).isBetween(0.0, 1.0);
        }
    }

    @Test
    void eotSamplesTurnsAnyGradientAttackIntoItsEotFormAndBadValuesExitTwo(@TempDir Path dir) {
        CliTest.Run fgsm = CliTest.run(attack("--attack", "fgsm", "--param", "eot-samples=2", "--param", "noise=0.05"));
        assertThat(fgsm.code()).isZero();
        assertThat(fgsm.out()).startsWith("eot-fgsm (white-box");
        CliTest.Run square = CliTest.run(attack("--attack", "square", "--param", "eot-samples=2"));
        assertThat(square.code()).isEqualTo(2);
        assertThat(square.err()).contains("eot-samples applies to gradient attacks; square does not use gradients");
        CliTest.Run badSurvival = CliTest.run(attack("--attack", "fgsm", "--survival", "rotation=300",
                "--json", dir.resolve("x.json").toString()));
        assertThat(badSurvival.code()).isEqualTo(2);
        assertThat(badSurvival.err().strip()).isEqualTo("robust4j: --survival: rotation must be in [0, 180], got 300");
        assertThat(Files.exists(dir.resolve("x.json"))).isFalse();
        CliTest.Run draws = CliTest.run(attack("--attack", "fgsm", "--survival", "rotation=3", "--survival-draws", "0"));
        assertThat(draws.code()).isEqualTo(2);
        assertThat(draws.err()).contains("--survival-draws must be >= 1, got 0");
    }
    /**
     * A physical threat model from YAML, with an EOT attack in the pool and a defence that claims
     * robustness to perturbations of the input (Gaussian augmentation), retrained and retested
     * under the same transformations: the bundled sample and the committed robust4j CNN, 12 images,
     * 4 draws.
     */
    @Test
    void aYamlPhysicalThreatModelMeasuresEveryRoundUnderItsTransformations(@TempDir Path dir) throws IOException {
        Path model = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "robust4j-cnn")
                .toAbsolutePath().normalize();
        Path config = dir.resolve("physical.yaml");
        Files.writeString(config, "model: " + model + "\n"
                + "data: sample\nlimit: 12\ntarget_success_rate: 0.3\n"
                + "attacks:\n"
                + "  - pgd:eps=0.1,steps=5\n"
                + "  - {name: eot-pgd, params: {eps: 0.1, steps: 5, eot-samples: 2, rotation: 15, translation: 2}}\n"
                + "defences: [gaussian-augmentation:sigma=0.1]\n"
                + "training: {data: sample, limit: 300, epochs: 1}\n"
                + "stop_when_met: false\n"
                + "survival: {transform: {rotation: 15, translation: 2}, draws: 4, strengths: [0, 0.5, 1],"
                + " strength_draws: 2}\n"
                + "report: out\n");
        CliTest.Run r = CliTest.run("evaluate", "--config", config.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("under rotation=15,translation=2 (4 draws per sample):", "SR under T",
                "the target is judged on the SR under the transformations");
        JsonNode o = new ObjectMapper().readTree(dir.resolve("out").resolve("report.json").toFile());
        assertThat(o.get("physical").get("transform").get("rotation").asDouble()).isEqualTo(15.0);
        assertThat(o.get("physical").get("draws").asInt()).isEqualTo(4);
        JsonNode rounds = o.get("rounds");
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(1).get("defence").asText()).isEqualTo("gaussian-augmentation:sigma=0.1");
        boolean anyMet = false;
        for (JsonNode round : rounds) {
            JsonNode p = round.get("physical");
            assertThat(p).as("round %s measured under T", round.get("index")).isNotNull();
            double sr = p.get("success_rate").asDouble();
            assertThat(sr).isBetween(0.0, 1.0);
            assertThat(round.get("target_met").asBoolean()).isEqualTo(sr <= 0.3);
            anyMet |= sr <= 0.3;
            assertThat(p.get("clean_accuracy").asDouble()).isBetween(0.0, 1.0);
            assertThat(p.get("strengths")).hasSize(3);
            assertThat(p.get("attacks").get(1).get("label").asText()).isEqualTo("eot-pgd linf eps=0.1");
            for (JsonNode a : p.get("attacks")) {
                assertThat(a.get("survival_at_strength")).hasSize(3);
                if (!a.get("survival").isNull()) {
                    // strength 0 is the identity: every successful adversarial is still one
                    assertThat(a.get("survival_at_strength").get(0).asDouble()).isEqualTo(1.0);
                }
            }
        }
        assertThat(r.code()).isEqualTo(anyMet ? 0 : 1);
        assertThat(o.get("target_met").asBoolean()).isEqualTo(anyMet);
        String html = Files.readString(dir.resolve("out").resolve("index.html"));
        assertThat(html).contains("Under transformation: rotation=15,translation=2")
                .contains("alt=\"survival against transformation strength, round 0\"")
                .contains("alt=\"survival against transformation strength, round 1\"");
    }

    @Test
    void theSurvivalFlagsDeclareTheSamePhysicalThreatModel(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("r.json");
        CliTest.Run r = CliTest.run("evaluate", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--limit", "8", "--attacks", "fgsm:eps=0.1", "--target-sr", "1", "--survival", "rotation=10,noise=0.05",
                "--survival-draws", "3", "--survival-seed", "7", "--survival-strengths", "", "--json", json.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("under rotation=10,noise=0.05 (3 draws per sample)", "target met");
        JsonNode p = new ObjectMapper().readTree(json.toFile()).get("rounds").get(0).get("physical");
        assertThat(p.get("transform").get("noise").asDouble()).isEqualTo(0.05);
        assertThat(p.get("draws").asInt()).isEqualTo(3);
        assertThat(p.get("seed").asLong()).isEqualTo(7);
        assertThat(p.get("strengths")).isEmpty();
        assertThat(p.get("attacks").get(0).get("success_rate").asDouble()).isBetween(0.0, 1.0);
        CliTest.Run bad = CliTest.run("evaluate", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--limit", "8", "--attacks", "fgsm:eps=0.1", "--target-sr", "1", "--survival", "rotation=300",
                "--json", json.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("robust4j: --survival: rotation must be in [0, 180], got 300");
    }
}
