package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.robust4j.data.Npy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --mean/--std}: attacking a model that expects normalised inputs on raw [0, 1] data gives
 * exactly the adversarials of the same model with the normalisation folded in
 * ({@code cnn_normalized_inside.pt}, scripts/make-normalization-fixture.py).
 */
class NormalizationCliTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "torchscript");

    private static CliTest.Run attack(String model, Path adv, String... more) {
        String[] common = {"attack", "--model", FIXTURES.resolve(model).toString(),
            "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
            "--limit", "32", "--attack", "pgd", "--param", "eps=0.05", "--param", "steps=10",
            "--save-adversarial", adv.toString()};
        String[] all = new String[common.length + more.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return CliTest.run(all);
    }

    @Test
    void meanAndStdGiveTheAdversarialsOfTheFoldedModel(@TempDir Path dir) {
        CliTest.Run viewed = attack("cnn_traced.pt", dir.resolve("a.npy"), "--mean", "0.2860", "--std", "0.3530");
        CliTest.Run folded = attack("cnn_normalized_inside.pt", dir.resolve("b.npy"));
        assertThat(viewed.err()).isEmpty();
        assertThat(folded.err()).isEmpty();
        assertThat(viewed.code()).isZero();
        assertThat(Npy.read(dir.resolve("a.npy")).floats()).isEqualTo(Npy.read(dir.resolve("b.npy")).floats());
        // the summary's figures agree (the time and the model's name differ)
        String rate = "success rate ";
        assertThat(viewed.out().substring(viewed.out().indexOf(rate), viewed.out().indexOf(" max Linf")))
                .isEqualTo(folded.out().substring(folded.out().indexOf(rate), folded.out().indexOf(" max Linf")));
    }

    @Test
    void evaluateTakesTheNormalisationAsFlagsAndInItsConfiguration(@TempDir Path dir) throws java.io.IOException {
        String x = FIXTURES.resolve("x.npy").toString();
        String y = FIXTURES.resolve("y.npy").toString();
        CliTest.Run viaFlags = CliTest.run("evaluate", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", x, "--labels", y, "--limit", "24", "--attacks", "fgsm,pgd", "--target-sr", "1",
                "--mean", "0.2860", "--std", "0.3530", "--json", dir.resolve("flags.json").toString());
        Path yaml = dir.resolve("eval.yaml");
        java.nio.file.Files.writeString(yaml, "model: " + FIXTURES.resolve("cnn_traced.pt").toAbsolutePath() + "\n"
                + "normalization: {mean: [0.2860], std: 0.3530}\n"
                + "data: " + FIXTURES.resolve("x.npy").toAbsolutePath() + "\n"
                + "labels: " + FIXTURES.resolve("y.npy").toAbsolutePath() + "\n"
                + "limit: 24\nattacks: [fgsm, pgd]\ntarget_success_rate: 1\n");
        CliTest.Run viaConfig = CliTest.run("evaluate", "--config", yaml.toString(), "--json",
                dir.resolve("config.json").toString());
        CliTest.Run folded = CliTest.run("evaluate", "--model", FIXTURES.resolve("cnn_normalized_inside.pt").toString(),
                "--data", x, "--labels", y, "--limit", "24", "--attacks", "fgsm,pgd", "--target-sr", "1",
                "--json", dir.resolve("folded.json").toString());
        for (CliTest.Run r : new CliTest.Run[] {viaFlags, viaConfig, folded}) {
            assertThat(r.err()).isEmpty();
            assertThat(r.code()).isZero();
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode expected = json.readTree(dir.resolve("folded.json").toFile())
                .get("rounds").get(0).get("attacks");
        for (String f : new String[] {"flags.json", "config.json"}) {
            com.fasterxml.jackson.databind.JsonNode got = json.readTree(dir.resolve(f).toFile()).get("rounds").get(0).get("attacks");
            for (int a = 0; a < 2; a++) {
                assertThat(got.get(a).get("success_rate").asDouble()).as(f).isEqualTo(expected.get(a).get("success_rate").asDouble());
                assertThat(got.get(a).get("perturbation").get("l2_median").asDouble()).as(f)
                        .isEqualTo(expected.get(a).get("perturbation").get("l2_median").asDouble());
            }
        }
        Path bad = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, "model: m.pt\nnormalization: {mean: [0.2], sd: [1]}\n");
        CliTest.Run r = CliTest.run("evaluate", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("sd");
    }

    @Test
    void badNormalisationExitsTwoWithOneLine(@TempDir Path dir) {
        CliTest.Run onlyMean = attack("cnn_traced.pt", dir.resolve("a.npy"), "--mean", "0.5");
        assertThat(onlyMean.code()).isEqualTo(2);
        assertThat(onlyMean.err().strip()).isEqualTo("robust4j: --mean and --std go together: give both, got only --mean");
        CliTest.Run zero = attack("cnn_traced.pt", dir.resolve("a.npy"), "--mean", "0.5", "--std", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err().strip()).isEqualTo("robust4j: --std must be a positive number, got 0.0 for channel 0");
        CliTest.Run channels = attack("cnn_traced.pt", dir.resolve("a.npy"), "--mean", "0.5,0.5,0.5", "--std", "1,1,1");
        assertThat(channels.code()).isEqualTo(2);
        assertThat(channels.err()).contains("--mean/--std: normalisation has 3 values but the model's input");
    }
}
