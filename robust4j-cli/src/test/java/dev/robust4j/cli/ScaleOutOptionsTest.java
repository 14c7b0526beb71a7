package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * {@code evaluate --spark-master} in a command line built without the robust4j-spark module (as
 * here: the CLI's own class path): one line saying what is missing and how to get it, exit 2; the
 * other Spark flags need {@code --spark-master}.
 */
class ScaleOutOptionsTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "torchscript");

    private static CliTest.Run evaluate(String... extra) {
        String[] base = {"evaluate", "--model", FIXTURES.resolve("cnn_traced.pt").toString(), "--data",
            FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(), "--limit", "4",
            "--attacks", "fgsm:eps=0.01", "--target-sr", "1"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliTest.run(all);
    }

    @Test
    void sparkWithoutTheSparkModuleExitsTwoSayingWhatIsMissing() {
        CliTest.Run r = evaluate("--spark-master", "local[2]");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("robust4j: --spark-master local[2] needs the robust4j-spark module");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.out()).doesNotContain("round 0");
    }

    @Test
    void theOtherSparkFlagsNeedAMaster() {
        CliTest.Run p = evaluate("--spark-partitions", "4");
        assertThat(p.code()).isEqualTo(2);
        assertThat(p.err()).contains("--spark-partitions applies to a Spark run; give --spark-master too");
        CliTest.Run d = evaluate("--spark-results", "out");
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.err()).contains("--spark-results applies to a Spark run; give --spark-master too");
    }
}
