package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EOT from the command line: eot-pgd, eot-samples on another attack, and --survival in the record. */
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
}
