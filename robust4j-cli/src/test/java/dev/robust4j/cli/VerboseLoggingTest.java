package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The command line is silent apart from its own lines, and {@code --verbose} (given anywhere after
 * the command) logs what robust4j does through SLF4J. Run in a child JVM: logging is configured
 * once per process, before the first logger exists.
 */
class VerboseLoggingTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "torchscript");

    private record Out(int code, String out, String err) {}

    private static Out robust4j(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Robust4jCli.class.getName()));
        cmd.addAll(List.of(args));
        Path err = java.nio.file.Files.createTempFile("robust4j-stderr", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return new Out(p.exitValue(), new String(out, StandardCharsets.UTF_8), java.nio.file.Files.readString(err));
        } finally {
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    private static String[] attack(String... more) {
        List<String> a = new ArrayList<>(List.of("attack", "--model", FIXTURES.resolve("cnn_traced.pt").toString(),
                "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                "--limit", "4", "--attack", "fgsm"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void quietByDefaultAndVerboseOnRequest() throws Exception {
        Out quiet = robust4j(attack());
        assertThat(quiet.code()).isZero();
        assertThat(quiet.err()).isEmpty();
        assertThat(quiet.out()).startsWith("fgsm (white-box, untargeted) on 4 samples");
        Out verbose = robust4j(attack("--verbose"));
        assertThat(verbose.code()).isZero();
        assertThat(verbose.err()).contains("INFO TorchScriptClassifier - loaded TorchScript model")
                .contains("cnn_traced.pt (input (1, 28, 28), 10 classes)");
        assertThat(verbose.out()).startsWith("fgsm (white-box, untargeted) on 4 samples");
    }
}
