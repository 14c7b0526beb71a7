package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device}: every command that loads or trains a model takes it; {@code cpu} runs as
 * before. The refusals (bad names, an absent GPU) are rows of the hostile-input corpus. No GPU
 * runs here.
 */
class DeviceCliTest {

    private static final Path TS = HostileInputTest.TS;

    @Test
    void everyModelCommandOffersDevice() {
        for (String command : new String[] {"attack", "detect", "evaluate", "train", "demo"}) {
            CliTest.Run r = CliTest.run(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).contains("--device=cpu|gpu[:N]");
        }
    }

    @Test
    void anExplicitCpuRunsAsTheDefault(@TempDir Path dir) throws Exception {
        String[] base = {"attack", "--model", TS.resolve("cnn_traced.pt").toString(), "--data", TS.resolve("x.npy").toString(),
            "--labels", TS.resolve("y.npy").toString(), "--attack", "fgsm", "--param", "eps=0.1", "--limit", "8"};
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        CliTest.Run plain = CliTest.run(concat(base, "--save-adversarial", a.toString()));
        CliTest.Run cpu = CliTest.run(concat(base, "--device", "CPU", "--save-adversarial", b.toString()));
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(cpu.code()).as(cpu.err()).isZero();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void theEvaluateConfigTakesADevice(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "model: " + TS.resolve("cnn_traced.pt").toAbsolutePath() + "\n"
                + "data: " + TS.resolve("x.npy").toAbsolutePath() + "\n"
                + "labels: " + TS.resolve("y.npy").toAbsolutePath() + "\n"
                + "limit: 4\nattacks: [fgsm]\ntarget_success_rate: 1\ndevice: cpu\n");
        CliTest.Run r = CliTest.run("evaluate", "--config", config.toString(), "--json", dir.resolve("r.json").toString());
        assertThat(r.code()).as(r.err()).isZero();
        CliTest.Run override = CliTest.run("evaluate", "--config", config.toString(), "--device", "gpu:9999");
        assertThat(override.code()).isEqualTo(2);
        assertThat(override.err()).contains("--device gpu:9999 is not available");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
