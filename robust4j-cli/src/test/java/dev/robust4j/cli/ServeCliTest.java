package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code robust4j serve} in a child JVM: the fixture CNN behind the calibrated feature-squeezing
 * guard on a free port, attacked as a black box by {@code robust4j attack --model http://...},
 * then stopped with SIGTERM.
 */
class ServeCliTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "torchscript");
    private static final Pattern SERVING = Pattern.compile("serving .* on (http://127\\.0\\.0\\.1:(\\d+)/v1/predict)");

    @Test
    void servesAGuardedModelThatTheAttackCommandAttacksAndStopsOnSigterm(@TempDir Path t) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Robust4jCli.class.getName(),
                "serve", "--model", FIXTURES.resolve("cnn_traced.pt").toString(), "--input-shape", "1,28,28",
                "--port", "0", "--guard", "feature-squeezing-detector", "--calibrate",
                FIXTURES.resolve("x.npy").toString(), "--fpr", "0.1"));
        Path err = Files.createTempFile(t, "stderr", ".txt");
        Path stdout = Files.createTempFile(t, "stdout", ".txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(stdout.toFile()).start();
        try {
            p.getOutputStream().close();
            // wait for the line that says it listens (or for the process to end)
            while (p.isAlive() && !Files.readString(stdout).contains("/v1/predict")) {
                Thread.sleep(50);
            }
            List<String> lines = Files.readAllLines(stdout);
            String guardLine = lines.isEmpty() ? null : lines.get(0);
            assertThat(guardLine).as(Files.readString(err))
                    .startsWith("guard feature-squeezing-detector: threshold ")
                    .endsWith("on 100 calibration samples");
            // calibrated for 10%: at most 10 of the 100 calibration samples lie above the threshold
            double measured = Double.parseDouble(guardLine.replaceAll(".*false-positive rate ([0-9.]+) .*", "$1"));
            assertThat(measured).isLessThanOrEqualTo(0.1);
            String serving = lines.size() < 2 ? null : lines.get(1);
            Matcher m = SERVING.matcher(serving == null ? "" : serving);
            assertThat(m.find()).as(serving + " / " + Files.readString(err)).isTrue();
            String url = m.group(1);
            int port = Integer.parseInt(m.group(2));

            Path json = t.resolve("attack.json");
            StringWriter aout = new StringWriter();
            StringWriter aerr = new StringWriter();
            CommandLine cli = Robust4jCli.newCommandLine();
            cli.setOut(new PrintWriter(aout));
            cli.setErr(new PrintWriter(aerr));
            int code = cli.execute("attack", "--model", url, "--num-classes", "10", "--input-shape", "1,28,28",
                    "--data", FIXTURES.resolve("x.npy").toString(), "--labels", FIXTURES.resolve("y.npy").toString(),
                    "--limit", "3", "--attack", "square", "--param", "max-queries=20", "--param", "eps=0.1",
                    "--json", json.toString());
            assertThat(code).as(aerr.toString()).isZero();
            JsonNode result = new ObjectMapper().readTree(json.toFile());
            JsonNode run = result.isArray() ? result.get(0) : result;
            assertThat(run.get("attack").asText()).isEqualTo("square");
            assertThat(run.get("threat_model").asText()).isEqualTo("black-box");
            // the fixture CNN classifies the first three samples correctly (its committed logits.npy)
            assertThat(run.get("clean_accuracy").asDouble()).isEqualTo(1.0);
            assertThat(run.get("queries_mean").asDouble()).isGreaterThan(1.0);

            HttpClient client = HttpClient.newHttpClient();
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher rows = Pattern.compile("robust4j_rows_total ([0-9.E]+)").matcher(metrics);
            assertThat(rows.find()).as(metrics).isTrue();
            // every query of the attack reached the served model (and the clean pass before it)
            assertThat(Double.parseDouble(rows.group(1))).isGreaterThanOrEqualTo(3 * run.get("queries_mean").asDouble());
            assertThat(metrics).contains("robust4j_flagged_total", "robust4j_request_seconds_bucket");

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readAllLines(stdout)).hasSize(3).last().isEqualTo("stopped");
            assertThat(p.exitValue()).isEqualTo(143);
            assertThat(Files.readString(err)).isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }
}
