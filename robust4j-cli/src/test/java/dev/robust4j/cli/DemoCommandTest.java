package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end, shortened (one epoch per model on 2,000 training images, a few test
 * images): every round of the defend-and-retest loop runs and the report is written.
 */
class DemoCommandTest {

    @Test
    void theShortDemoRunsEveryRoundAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        CliTest.Run r = CliTest.run("demo", "--epochs", "1", "--train-samples", "1000", "--samples", "8", "--all",
                "--report", out.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("900 training images (100 held out to calibrate the detector)",
                "round 0: the undefended model", "square linf eps=0.1", "hop-skip-jump linf eps=0.1",
                "round 6: adversarial-training:preset=madry", "rounds (white-box threat model, target success rate 0.300)",
                "report: ");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("rounds")).hasSize(7);
        assertThat(report.get("rounds").get(0).get("attacks")).hasSize(5);
        assertThat(report.get("rounds").get(4).get("kinds").get(0).asText()).isEqualTo("detector");
        assertThat(Files.readString(out.resolve("index.html"))).contains("Robustness report", "<table");
    }

    @Test
    void badDemoOptionsExitTwo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertThat(CliTest.run("demo", "--samples", "0").err()).contains("--samples must be >= 1, got 0");
        assertThat(CliTest.run("demo", "--train-samples", "5").err()).contains("--train-samples must be >= 20, got 5");
        CliTest.Run r = CliTest.run("demo", "--report", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("exists and is not a directory");
    }
}
