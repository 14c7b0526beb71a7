package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.robust4j.data.Npy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attack --model http://...}: the command line attacks a model served over HTTP on
 * 127.0.0.1, a nearest-class-mean linear classifier of the fixture images ({@code s_k = x·μ_k −
 * ‖μ_k‖²/2}), and every query it spends reaches the server.
 */
class HttpModelCliTest {

    private static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures");
    private static final String X = FIXTURES.resolve("torchscript/x.npy").toString();
    private static final String Y = FIXTURES.resolve("torchscript/y.npy").toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int K = 10;
    private static final int D = 784;

    private HttpServer server;
    private String url;
    private final AtomicLong rows = new AtomicLong();
    private float[][] means;
    private float[] offsets;

    @BeforeEach
    void start() throws IOException {
        float[] x = Npy.read(Path.of(X)).floats();
        long[] y = Npy.read(Path.of(Y)).longs();
        means = new float[K][D];
        int[] count = new int[K];
        for (int i = 0; i < y.length; i++) {
            int c = (int) y[i];
            count[c]++;
            for (int j = 0; j < D; j++) {
                means[c][j] += x[i * D + j];
            }
        }
        offsets = new float[K];
        for (int c = 0; c < K; c++) {
            for (int j = 0; j < D; j++) {
                means[c][j] /= Math.max(count[c], 1);
                offsets[c] -= 0.5f * means[c][j] * means[c][j];
            }
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/predict", this::predict);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/predict";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Answers {@code {"scores": [[s_1..s_K], ...]}} for {@code {"inputs": [[x_1..x_D], ...]}}. */
    private void predict(HttpExchange ex) throws IOException {
        JsonNode inputs = JSON.readTree(ex.getRequestBody()).get("inputs");
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode scores = answer.putArray("scores");
        for (JsonNode row : inputs) {
            if (row.size() != D) {
                reply(ex, 400, "{\"error\":\"expected " + D + " features, got " + row.size() + "\"}");
                return;
            }
            ArrayNode out = scores.addArray();
            for (int c = 0; c < K; c++) {
                double s = offsets[c];
                for (int j = 0; j < D; j++) {
                    s += row.get(j).floatValue() * means[c][j];
                }
                out.add(s);
            }
        }
        rows.addAndGet(inputs.size());
        reply(ex, 200, JSON.writeValueAsString(answer));
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void squareAttacksTheServedModelAndEveryQueryReachesTheServer(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("square.json");
        int n = 30;
        CliTest.Run r = CliTest.run("attack", "--model", url, "--num-classes", "10", "--input-shape", "1,28,28",
                "--data", X, "--labels", Y, "--limit", Integer.toString(n), "--attack", "square",
                "--param", "eps=0.1", "--param", "max-queries=200", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("square (black-box, untargeted) on 30 samples: clean accuracy");

        JsonNode o = JSON.readTree(json.toFile());
        assertThat(o.get("attack").asText()).isEqualTo("square");
        assertThat(o.get("threat_model").asText()).isEqualTo("black-box");
        assertThat(o.get("model").asText()).isEqualTo("HTTP " + url);
        assertThat(o.get("params").get("max-queries").asInt()).isEqualTo(200);
        assertThat(o.get("samples").asInt()).isEqualTo(n);
        double[] exact = exactLinfSuccessRate(n, 0.1f);
        assertThat(o.get("clean_accuracy").asDouble()).as("the nearest-mean classifier").isEqualTo(exact[0]);
        // The best L∞ attack on a linear model is known: 9 of 20 (0.45) at eps 0.1; square reaches 7 of 20.
        assertThat(exact[1]).isEqualTo(0.45);
        assertThat(o.get("success_rate").asDouble()).as("square vs the exact optimum")
                .isLessThanOrEqualTo(exact[1]).isGreaterThanOrEqualTo(0.3);
        assertThat(o.get("perturbation").get("linf_max").asDouble()).isLessThanOrEqualTo(0.1 + 1e-6);
        double queriesMean = o.get("queries_mean").asDouble();
        assertThat(queriesMean).isGreaterThan(1).isLessThanOrEqualTo(200);
        // The server saw every query, plus the clean and the final predictions of each sample.
        long queries = Math.round(queriesMean * n);
        assertThat(rows.get()).isEqualTo(queries + 2L * n);
    }

    /**
     * The clean accuracy of the served model on the first {@code n} fixture images, and the success
     * rate of the optimal L∞ attack at {@code eps}: a correctly classified sample can be broken iff
     * for some class {@code k} the score gap {@code s_k − s_y} becomes positive when every feature
     * moves by up to {@code eps} (inside [0, 1]) in the direction of {@code sign(μ_k − μ_y)}.
     */
    private double[] exactLinfSuccessRate(int n, float eps) throws IOException {
        float[] x = Npy.read(Path.of(X)).floats();
        long[] y = Npy.read(Path.of(Y)).longs();
        int correct = 0;
        int broken = 0;
        for (int i = 0; i < n; i++) {
            double[] s = new double[K];
            for (int c = 0; c < K; c++) {
                s[c] = offsets[c];
                for (int j = 0; j < D; j++) {
                    s[c] += x[i * D + j] * means[c][j];
                }
            }
            int yi = (int) y[i];
            int pred = 0;
            for (int c = 1; c < K; c++) {
                pred = s[c] > s[pred] ? c : pred;
            }
            if (pred != yi) {
                continue;
            }
            correct++;
            for (int k = 0; k < K; k++) {
                double gap = s[k] - s[yi];
                for (int j = 0; j < D && k != yi; j++) {
                    double w = means[k][j] - means[yi][j];
                    double v = x[i * D + j];
                    gap += w > 0 ? w * Math.min(eps, 1 - v) : w * -Math.min(eps, v);
                }
                if (k != yi && gap > 0) {
                    broken++;
                    break;
                }
            }
        }
        return new double[] {correct / (double) n, broken / (double) correct};
    }

    @Test
    void hopSkipJumpRunsOnTheServedModelWithTheDataShape(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("hsj.json");
        CliTest.Run r = CliTest.run("attack", "--model", url, "--num-classes", "10", "--data", X, "--labels", Y,
                "--limit", "6", "--attack", "hop-skip-jump", "--param", "max-queries=300", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(json.toFile());
        assertThat(o.get("attack").asText()).isEqualTo("hop-skip-jump");
        assertThat(o.get("queries_mean").asDouble()).isGreaterThan(1).isLessThanOrEqualTo(300);
        assertThat(rows.get()).isEqualTo(Math.round(o.get("queries_mean").asDouble() * 6) + 12);
    }

    @Test
    void badHttpModelsAreOneLineErrors() throws IOException {
        assertBad(CliTest.run("attack", "--model", url, "--data", X, "--labels", Y, "--attack", "square"),
                "the HTTP model " + url + " needs --num-classes K, the number of scores in each row of its answers");
        assertBad(CliTest.run("attack", "--model", url, "--num-classes", "1", "--data", X, "--labels", Y,
                "--attack", "square"), "--num-classes must be >= 2, got 1");
        assertBad(CliTest.run("attack", "--model", url, "--num-classes", "12", "--data", X, "--labels", Y, "--limit", "2",
                "--attack", "square"), "row 0 of scores has 10 scores; expected 12");
        assertBad(CliTest.run("attack", "--model", url, "--num-classes", "10", "--input-shape", "1,28,14",
                "--data", X, "--labels", Y, "--attack", "square"), "do not fit the model's input shape (1, 28, 14)");
        assertBad(CliTest.run("attack", "--model", url, "--num-classes", "10", "--data", X, "--labels", Y, "--limit", "2",
                "--attack", "fgsm"), "attack fgsm is white-box and needs input gradients, but HTTP " + url);
        assertBad(CliTest.run("attack", "--model", FIXTURES.resolve("onnx/cnn.onnx").toString(), "--num-classes", "7",
                "--data", X, "--labels", Y, "--attack", "square"), "--num-classes is 7 but ONNX cnn.onnx has 10 classes");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertBad(CliTest.run("attack", "--model", "http://127.0.0.1:" + closed + "/predict", "--num-classes", "10",
                "--data", X, "--labels", Y, "--limit", "2", "--attack", "square"),
                "POST http://127.0.0.1:" + closed + "/predict (2 inputs) failed after 4 attempts");
    }

    private static void assertBad(CliTest.Run r, String message) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> l.startsWith("robust4j:")).count()).isEqualTo(1);
    }
}
