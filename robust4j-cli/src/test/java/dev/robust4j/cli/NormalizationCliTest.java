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
