package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code robust4j evaluate} from a YAML file and from flags: exit codes, report, errors. */
class EvaluateCommandTest {

    private static final Path FIXTURES =
            Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "torchscript").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path write(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("robustness.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static String fixtureModel() {
        return "model: " + FIXTURES.resolve("cnn_traced.pt") + "\n"
                + "input_shape: [1, 28, 28]\n"
                + "data: " + FIXTURES.resolve("x.npy") + "\n"
                + "labels: " + FIXTURES.resolve("y.npy") + "\n"
                + "limit: 40\n";
    }

    @Test
    void aConfigFileRunsTheLoopWritesTheReportAndExitsOneWhenTheTargetIsMissed(@TempDir Path dir) throws Exception {
        Path config = write(dir, fixtureModel()
                + "threat_model: white-box\n"
                + "target_success_rate: 0.0\n"
                + "attacks:\n"
                + "  - fgsm:eps=0.1\n"
                + "  - name: pgd\n"
                + "    params: {eps: 0.1, steps: 10, step-size: 0.02}\n"
                + "defences:\n"
                + "  - feature-squeezing:bit-depth=1\n"
                + "curves:\n"
                + "  - {attack: fgsm, epsilons: [0, 0.05, 0.1], samples: 20}\n"
                + "report: out\n");
        CliTest.Run r = CliTest.run("evaluate", "--config", config.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("round 0: the undefended model", "round 1: feature-squeezing:bit-depth=1",
                "pgd linf eps=0.1", "target not met");

        Path out = dir.resolve("out");
        assertThat(out.resolve("index.html")).exists();
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.get("target_met").asBoolean()).isFalse();
        assertThat(report.get("rounds")).hasSize(2);
        JsonNode round0 = report.get("rounds").get(0);
        assertThat(round0.get("clean_accuracy").asDouble()).isGreaterThan(0.6);
        assertThat(round0.get("attacks")).hasSize(2);
        assertThat(round0.get("success_rate").asDouble())
                .isGreaterThanOrEqualTo(round0.get("attacks").get(1).get("success_rate").asDouble());
        assertThat(round0.get("curves").get(0).get("epsilons")).hasSize(3);
        assertThat(report.get("rounds").get(1).get("defence").asText()).isEqualTo("feature-squeezing:bit-depth=1");
    }

    @Test
    void flagsWorkAndAMetTargetExitsZero(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        CliTest.Run r = CliTest.run("evaluate", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--limit", "20", "--attacks", "fgsm:eps=0.01,pgd:eps=0.01,steps=5", "--target-sr", "1",
                "--json", json.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("target met");
        JsonNode report = JSON.readTree(json.toFile());
        assertThat(report.get("rounds").get(0).get("attacks").get(1).get("label").asText()).isEqualTo("pgd linf eps=0.01");
    }

    @Test
    void aTrainingSectionTrainsTheModelAndRetrainsForTrainingDefences(@TempDir Path dir) throws Exception {
        Path config = write(dir, "data: sample\nlimit: 60\ntarget_success_rate: 0\n"
                + "attacks: [fgsm:eps=0.1]\n"
                + "defences: [label-smoothing:max-value=0.8]\n"
                + "training: {data: sample, limit: 1000, arch: mlp, epochs: 1, seed: 3}\n");
        CliTest.Run r = CliTest.run("evaluate", "--config", config.toString(), "--json", dir.resolve("r.json").toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("trained mlp (undefended)", "trained label-smoothing:max-value=0.8");
        JsonNode report = JSON.readTree(dir.resolve("r.json").toFile());
        assertThat(report.get("provenance").get("seed").asLong()).isEqualTo(3);
    }

    @Test
    void badConfigurationsExitTwoWithOneLineNamingTheProblem(@TempDir Path dir) throws Exception {
        List<String[]> cases = List.of(
                new String[] {fixtureModel() + "target_success_rate: 0.2\natacks: [fgsm]\n", "unknown setting 'atacks'"},
                new String[] {fixtureModel() + "target_success_rate: high\nattacks: [fgsm]\n",
                    "target_success_rate must be a number in [0, 1], got 'high'"},
                new String[] {fixtureModel() + "target_success_rate: 0.2\n", "attacks must be a list of at least one spec"},
                new String[] {fixtureModel() + "target_success_rate: 0.2\nattacks: [pgd:eps=3]\n", "eps must be in (0, 1.0]"},
                new String[] {fixtureModel() + "target_success_rate: 0.2\nattacks: [fgsm]\ndefences: [adversarial-training:preset=madry]\n",
                    "retrains the network"},
                new String[] {fixtureModel() + "target_success_rate: 0.2\nattacks: [fgsm]\ndefences: [tinfoil]\n",
                    "unknown defence 'tinfoil'"},
                new String[] {fixtureModel() + "target_success_rate: 0.2\nthreat_model: black-box\nattacks: [pgd]\n",
                    "pgd needs gradients"},
                new String[] {"model: [oops\n", "is not valid YAML"},
                new String[] {fixtureModel() + "target_success_rate: 0.2\nattacks: [fgsm]\ncurves: [{attack: deepfool, epsilons: [0.1]}]\n",
                    "no eps budget"});
        for (String[] c : cases) {
            Path config = write(dir, c[0]);
            CliTest.Run r = CliTest.run("evaluate", "--config", config.toString());
            assertThat(r.code()).as(c[1]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(c[1]).startsWith("robust4j: ");
            assertThat(r.err().lines().count()).isEqualTo(1);
        }
        CliTest.Run both = CliTest.run("evaluate", "--config", write(dir, "data: sample\n").toString(), "--model", "m.pt");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("either --config or the flags");
        CliTest.Run none = CliTest.run("evaluate", "--data", "sample", "--attacks", "fgsm", "--target-sr", "0.2");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("give a model");
    }

    @Test
    void attackListsSplitAtCommasThatStartANewAttack() {
        assertThat(EvaluateCommand.splitSpecs("fgsm:eps=0.1,pgd:eps=0.1,steps=40,square"))
                .containsExactly("fgsm:eps=0.1", "pgd:eps=0.1,steps=40", "square");
        assertThat(EvaluateCommand.splitSpecs("fgsm, deepfool")).containsExactly("fgsm", "deepfool");
    }
}
