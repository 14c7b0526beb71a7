package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robust4j.data.Npy;
import dev.robust4j.data.NpyArray;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line through {@code execute()}, with captured output and exit codes. */
class CliTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "torchscript");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Robust4jCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void listParamsPrintsAnAttacksDeclaredParametersWithoutOtherOptions() {
        Run r = run("attack", "--list-params", "deepfool");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("candidates (int, default 10): ", "norm (linf|l2|l1, default l2): ")
                .doesNotContain("seed");
        assertThat(run("attack", "--list-params", "pgd").out()).contains("seed (long, default 0): ");
        Run bad = run("attack", "--list-params", "nope");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).startsWith("robust4j: unknown attack 'nope'; known attacks: fgsm,").hasLineCount(1);
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("demo", "train", "attack");
    }

    @Test
    void attackOnATorchScriptCnnWritesTheJsonRecord(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out.json");
        Path adv = dir.resolve("adv.npy");
        Run r = run("attack", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--attack", "pgd", "--param", "eps=0.1", "--param", "steps=40", "--param", "step-size=0.01",
                "--param", "random-start=true", "--json", json.toString(), "--save-adversarial", adv.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(1);
        assertThat(r.out()).startsWith("pgd (white-box, untargeted) on 100 samples: clean accuracy 0.800, success rate");

        JsonNode o = JSON.readTree(json.toFile());
        for (String key : List.of("attack", "params", "threat_model", "samples", "clean_accuracy", "success_rate",
                "robust_accuracy", "perturbation", "queries_mean", "seconds", "samples_per_second", "engine")) {
            assertThat(o.has(key)).as(key).isTrue();
        }
        for (String key : List.of("l0_mean", "l2_mean", "l2_median", "linf_mean", "linf_max")) {
            assertThat(o.get("perturbation").has(key)).as(key).isTrue();
        }
        for (String key : List.of("name", "version", "threads")) {
            assertThat(o.get("engine").has(key)).as(key).isTrue();
        }
        JsonNode expected = JSON.readTree(FIXTURES.resolve("expected.json").toFile());
        assertThat(o.get("clean_accuracy").asDouble())
                .as("clean accuracy equals PyTorch's")
                .isEqualTo(Math.round(expected.get("clean_accuracy").asDouble() * 100) / 100.0);
        assertThat(o.get("attack").asText()).isEqualTo("pgd");
        assertThat(o.get("threat_model").asText()).isEqualTo("white-box");
        assertThat(o.get("samples").asInt()).isEqualTo(100);
        assertThat(o.get("params").get("steps").asInt()).isEqualTo(40);
        assertThat(o.get("success_rate").asDouble()).isGreaterThan(0.8);
        assertThat(o.get("perturbation").get("linf_max").asDouble()).isLessThanOrEqualTo(0.1 + 1e-6);

        NpyArray a = Npy.read(adv);
        assertThat(a.shape()).containsExactly(100, 1, 28, 28);
        assertThat(a.dtype()).isEqualTo("float32");
    }

    @Test
    void targetedAttackRecordsItIsTargeted(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("t.json");
        Run r = run("attack", "--model", FIXTURES.resolve("cnn_scripted.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--attack", "bim", "--param", "eps=0.2", "--target", "next", "--limit", "20", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("bim (white-box, targeted) on 20 samples");
        assertThat(JSON.readTree(json.toFile()).get("targeted").asBoolean()).isTrue();
    }

    @Test
    void linearisationAndJacobianAttacksRunByName() throws Exception {
        String[] common = {"attack", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--limit", "8"};
        String[][] attacks = {
                {"--attack", "deepfool", "--param", "norm=linf"},
                {"--attack", "jsma", "--param", "gamma=0.02", "--target", "random"},
                {"--attack", "fab", "--param", "steps=5", "--param", "target-classes=2", "--param", "eps=0.1"}};
        for (String[] attack : attacks) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(common), java.util.Arrays.stream(attack))
                    .toArray(String[]::new);
            Run r = run(args);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith(attack[1] + " (white-box, ");
        }
        assertBad(run(java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                        java.util.stream.Stream.of("--attack", "deepfool", "--target", "next")).toArray(String[]::new)),
                "attack deepfool has no targeted form");
    }

    @Test
    void trainThenAttackTheModelDirectory(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m");
        Run t = run("train", "--data", "sample", "--limit", "2000", "--arch", "mlp", "--epochs", "2", "--out", model.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("trained mlp (relu) on sample").contains("test accuracy").contains("saved to");
        assertThat(model.resolve("robust4j-model.json")).exists();
        Path json = dir.resolve("a.json");
        Run a = run("attack", "--model", model.toString(), "--data", "sample", "--limit", "100", "--attack", "fgsm",
                "--json", json.toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).startsWith("fgsm (white-box, untargeted) on 100 samples");
        assertThat(JSON.readTree(json.toFile()).get("clean_accuracy").asDouble()).isGreaterThan(0.5);
    }

    @Test
    void badInputIsOneLineOnStderrAndExitCodeTwo(@TempDir Path dir) throws Exception {
        String pt = FIXTURES.resolve("cnn_traced.pt").toString();
        String x = FIXTURES.resolve("x.npy").toString();
        String y = FIXTURES.resolve("y.npy").toString();
        assertBad(run("attack", "--model", pt, "--data", x, "--labels", y, "--attack", "nope"),
                "unknown attack 'nope'; known attacks: " + String.join(", ", dev.robust4j.attack.AttackRegistry.names()));
        assertBad(run("attack", "--model", pt, "--data", x, "--labels", y, "--attack", "pgd", "--param", "eps=3"),
                "eps must be in (0, 1.0] for bounds [0.0, 1.0] under the linf norm, got 3.0");
        assertBad(run("attack", "--model", pt, "--data", x, "--labels", y, "--attack", "pgd", "--param", "foo=1"),
                "unknown parameter 'foo' for attack pgd");
        assertBad(run("attack", "--model", dir.resolve("missing.pt").toString(), "--data", x, "--labels", y,
                "--attack", "pgd"), "does not exist");
        assertBad(run("attack", "--model", pt, "--data", dir.resolve("none.npy").toString(), "--attack", "pgd"),
                "none.npy");
        Path notModel = dir.resolve("bogus.pt");
        Files.writeString(notModel, "hello");
        assertBad(run("attack", "--model", notModel.toString(), "--data", x, "--labels", y, "--attack", "fgsm"),
                "cannot load TorchScript model");
        assertBad(run("attack", "--model", pt, "--data", x, "--attack", "fgsm"), "no labels");
        assertBad(run("attack", "--model", pt), "Missing required options");
        assertBad(run("train", "--data", "sample", "--arch", "transformer", "--out", dir.resolve("m").toString()),
                "transformer");
        Path json = dir.resolve("never.json");
        run("attack", "--model", pt, "--data", x, "--labels", y, "--attack", "pgd", "--param", "eps=3", "--json",
                json.toString());
        assertThat(json).doesNotExist();
    }

    @Test
    void runTimeDefencesWrapTheModelAndTheJsonSaysHowGradientsFlow(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("d.json");
        Run r = run("attack", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--limit", "20", "--attack", "pgd", "--param", "steps=5",
                "--defence", "feature-squeezing:bit-depth=3", "--defence", "median-smoothing",
                "--defence", "ensemble:members=" + FIXTURES.resolve("cnn_scripted.pt"), "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(json.toFile());
        assertThat(o.get("model").asText()).startsWith("ensemble(mean: TorchScript cnn_traced.pt behind feature-squeezing:bit-depth=3");
        assertThat(o.get("gradients").asText()).startsWith("exact (chain rule");
        Run bad = run("attack", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--attack", "fgsm", "--defence", "label-smoothing");
        assertBad(bad, "label-smoothing is a training-time defence");
    }

    @Test
    void detectReportsDetectionRatesAndTheMeasuredFalsePositiveRate(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("detect.json");
        Run r = run("detect", "--model", FIXTURES.resolve("cnn_traced.pt").toString(), "--calibrate", "sample",
                "--calibrate-limit", "200", "--fpr", "0.1", "--data", "sample", "--limit", "40", "--attacks", "fgsm,bim",
                "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("feature-squeezing detector").contains("fgsm").contains("bim");
        JsonNode o = JSON.readTree(json.toFile());
        assertThat(o.get("fpr_calibration").asDouble()).isLessThanOrEqualTo(0.1);
        assertThat(o.get("attacks")).hasSize(2);
        assertThat(o.get("attacks").get(0).get("detection_rate").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void trainWithDefencesRecordsThem(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m");
        Run t = run("train", "--data", "sample", "--limit", "500", "--arch", "mlp", "--epochs", "1",
                "--defence", "gaussian-augmentation:sigma=0.1", "--defence", "label-smoothing:max-value=0.8",
                "--out", model.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(Files.readString(model.resolve("robust4j-model.json")))
                .contains("gaussian-augmentation:sigma=0.1,ratio=1.0+label-smoothing:max-value=0.8");
        assertBad(run("train", "--data", "sample", "--arch", "mlp", "--defence", "feature-squeezing", "--out",
                dir.resolve("x").toString()), "unknown training defence 'feature-squeezing'");
    }

    private static void assertBad(Run r, String message) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> l.startsWith("robust4j:")).count()).isEqualTo(1);
    }
}
