package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP adapter against a local server on 127.0.0.1 that scores with a known linear model,
 * answers slowly, fails, or breaks the protocol on purpose.
 */
class HttpClassifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int K = 3;
    private static final int D = 6;
    private static final float[] W = new float[K * D];
    private static final float[] B = {0.1f, -0.2f, 0.3f};

    static {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < W.length; i++) {
            W[i] = (float) (r.nextDouble() * 2 - 1);
        }
    }

    private HttpServer server;
    private ExecutorService executor;
    private final CountDownLatch release = new CountDownLatch(1);
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/score", ex -> answer(ex, 200, linear(ex, "inputs", "scores")));
        server.createContext("/custom", ex -> answer(ex, 200, linear(ex, "x", "y")));
        AtomicInteger flaky = new AtomicInteger();
        server.createContext("/flaky", ex -> {
            if (flaky.incrementAndGet() <= 2) {
                count(ex);
                ex.getRequestBody().readAllBytes();
                answer(ex, 503, "{\"error\":\"overloaded\"}");
            } else {
                answer(ex, 200, linear(ex, "inputs", "scores"));
            }
        });
        server.createContext("/bad", ex -> {
            count(ex);
            ex.getRequestBody().readAllBytes();
            answer(ex, 400, "{\"error\":\"inputs must have 6 features\"}");
        });
        server.createContext("/down", ex -> {
            count(ex);
            ex.getRequestBody().readAllBytes();
            answer(ex, 500, "boom");
        });
        server.createContext("/slow", ex -> {
            count(ex);
            ex.getRequestBody().readAllBytes();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "{\"scores\":[]}");
        });
        server.createContext("/garbage", ex -> {
            count(ex);
            ex.getRequestBody().readAllBytes();
            answer(ex, 200, "<html>not json</html>");
        });
        server.createContext("/infinite", ex -> {
            count(ex);
            ex.getRequestBody().readAllBytes();
            answer(ex, 200, "{\"scores\":[[0,1,2],[1e999,0,1]]}");
        });
        server.createContext("/big", ex -> {
            count(ex);
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[1 << 16];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (OutputStream os = ex.getResponseBody()) {
                for (int i = 0; i < 1600; i++) { // 100 MB, unless the client hangs up first
                    os.write(chunk);
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        });
        server.createContext("/short", ex -> {
            count(ex);
            ex.getRequestBody().readAllBytes();
            answer(ex, 200, "{\"scores\":[[1,2]]}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void count(HttpExchange ex) {
        requests.computeIfAbsent(ex.getHttpContext().getPath(), p -> new AtomicInteger()).incrementAndGet();
    }

    private int requests(String path) {
        AtomicInteger c = requests.get(path);
        return c == null ? 0 : c.get();
    }

    /** Scores the request's rows with z = W x + b. */
    private String linear(HttpExchange ex, String in, String out) throws IOException {
        count(ex);
        assertThat(ex.getRequestMethod()).isEqualTo("POST");
        assertThat(ex.getRequestHeaders().getFirst("Content-Type")).isEqualTo("application/json");
        JsonNode rows = JSON.readTree(ex.getRequestBody()).get(in);
        batchSizes.add(rows.size());
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode scores = answer.putArray(out);
        for (JsonNode row : rows) {
            ArrayNode s = scores.addArray();
            for (int k = 0; k < K; k++) {
                double z = B[k];
                for (int j = 0; j < D; j++) {
                    z += W[k * D + j] * row.get(j).floatValue();
                }
                s.add(z);
            }
        }
        answer.put("model", "linear");
        return JSON.writeValueAsString(answer);
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private HttpClassifier.Builder model(String path) {
        return HttpClassifier.builder().setUrl(url(path)).setInputShape(2, 3).setNumClasses(K)
                .optRetryBackoff(Duration.ofMillis(10)).optReadTimeout(Duration.ofSeconds(5));
    }

    private static float[] inputs(int n) {
        SplittableRandom r = new SplittableRandom(n);
        float[] x = new float[n * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    private static float[] expected(float[] x) {
        int n = x.length / D;
        float[] z = new float[n * K];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < K; k++) {
                double s = B[k];
                for (int j = 0; j < D; j++) {
                    s += W[k * D + j] * x[i * D + j];
                }
                z[i * K + k] = (float) s;
            }
        }
        return z;
    }

    @Test
    void scoresEqualTheLinearModelInBatchesOfAtMostTheMaximum() {
        HttpClassifier model = model("/score").optMaxBatchSize(3).build();
        float[] x = inputs(7);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = model.predict(m.create(x, new Shape(7, 2, 3)));
            assertThat(z.getManager()).isSameAs(m);
            assertThat(z.getShape()).isEqualTo(new Shape(7, K));
            assertThat(OnnxClassifierTest.maxAbsDiff(z.toFloatArray(), expected(x))).isLessThanOrEqualTo(1e-5f);
        }
        assertThat(requests("/score")).isEqualTo(3);
        assertThat(batchSizes).containsExactly(3, 3, 1);
        assertThat(model.description()).isEqualTo("HTTP " + url("/score"));
        assertThat(model).isNotInstanceOf(DifferentiableClassifier.class);
    }

    @Test
    void fieldNamesAreConfigurable() {
        HttpClassifier model = model("/custom").optInputField("x").optOutputField("y").build();
        float[] x = inputs(4);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = model.predict(m.create(x, new Shape(4, 2, 3))).toFloatArray();
            assertThat(OnnxClassifierTest.maxAbsDiff(z, expected(x))).isLessThanOrEqualTo(1e-5f);
        }
        HttpClassifier wrongField = model("/custom").build();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> wrongField.predict(m.create(inputs(2), new Shape(2, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(url("/custom"));
        }
    }

    @Test
    void retriesTwo503sThenSucceeds() {
        HttpClassifier model = model("/flaky").optMaxRetries(2).build();
        float[] x = inputs(5);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = model.predict(m.create(x, new Shape(5, 2, 3))).toFloatArray();
            assertThat(OnnxClassifierTest.maxAbsDiff(z, expected(x))).isLessThanOrEqualTo(1e-5f);
        }
        assertThat(requests("/flaky")).isEqualTo(3);
    }

    @Test
    void retriesAreBoundedAndTheErrorNamesUrlAndStatus() {
        HttpClassifier model = model("/down").optMaxRetries(2).build();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> model.predict(m.create(inputs(2), new Shape(2, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("POST " + url("/down"))
                    .hasMessageContaining("failed after 3 attempts")
                    .hasMessageContaining("HTTP 500: boom");
        }
        assertThat(requests("/down")).isEqualTo(3);
    }

    @Test
    void a400IsNotRetried() {
        HttpClassifier model = model("/bad").optMaxRetries(3).build();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> model.predict(m.create(inputs(2), new Shape(2, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("POST " + url("/bad"))
                    .hasMessageContaining("HTTP 400")
                    .hasMessageContaining("inputs must have 6 features");
        }
        assertThat(requests("/bad")).isEqualTo(1);
    }

    @Test
    void aSlowServerTimesOutPerAttempt() {
        HttpClassifier model = model("/slow").optReadTimeout(Duration.ofMillis(300)).optMaxRetries(1).build();
        long start = System.nanoTime();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> model.predict(m.create(inputs(1), new Shape(1, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("POST " + url("/slow"))
                    .hasMessageContaining("failed after 2 attempts")
                    .hasMessageContaining("timed out after 300 ms");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as("two attempts of 0.3 s, not the handler's 5 s").isBetween(0.55, 3.0);
        assertThat(requests("/slow")).isEqualTo(2);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        HttpClassifier model = HttpClassifier.builder().setUrl("http://127.0.0.1:" + port + "/score")
                .setInputShape(2, 3).setNumClasses(K).optRetryBackoff(Duration.ofMillis(5)).optMaxRetries(1)
                .optConnectTimeout(Duration.ofSeconds(2)).build();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> model.predict(m.create(inputs(1), new Shape(1, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("POST http://127.0.0.1:" + port + "/score")
                    .hasMessageContaining("failed after 2 attempts");
        }
    }

    @Test
    void answersThatBreakTheProtocolFailWithoutRetry() {
        try (NDManager m = NDManager.newBaseManager()) {
            HttpClassifier garbage = model("/garbage").build();
            assertThatThrownBy(() -> garbage.predict(m.create(inputs(1), new Shape(1, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("the answer of POST " + url("/garbage") + " is not JSON");
            assertThat(requests("/garbage")).isEqualTo(1);
            HttpClassifier shortRows = model("/short").build();
            assertThatThrownBy(() -> shortRows.predict(m.create(inputs(1), new Shape(1, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("row 0 of scores has 2 scores; expected 3");
            assertThatThrownBy(() -> shortRows.predict(m.create(inputs(2), new Shape(2, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("has 1 rows of scores for 2 inputs");
            assertThatThrownBy(() -> shortRows.predict(m.create(inputs(2), new Shape(2, 6))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("takes inputs of shape (N, 2, 3), got (2, 6)");
        }
    }

    @Test
    void nonFiniteScoresAreRefusedNamingTheRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            HttpClassifier model = model("/infinite").build();
            assertThatThrownBy(() -> model.predict(m.create(inputs(2), new Shape(2, 2, 3))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("answered a non-finite score in row 1, column 0: Infinity");
        }
    }

    @Test
    void anAnswerOverTheCapIsCutOffWithoutRetry() {
        try (NDManager m = NDManager.newBaseManager()) {
            HttpClassifier model = model("/big").optMaxAnswerBytes(1 << 20).build();
            assertThatThrownBy(() -> model.predict(m.create(inputs(1), new Shape(1, 2, 3))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessage("the answer of POST " + url("/big") + " (1 inputs) is larger than 1048576 bytes, the most"
                            + " this client reads (raise it with optMaxAnswerBytes or --max-answer-bytes)");
            assertThat(requests("/big")).isEqualTo(1);
        }
        assertThatThrownBy(() -> model("/big").optMaxAnswerBytes(0).build())
                .hasMessageContaining("max answer bytes must be in [1, ");
    }

    @Test
    void builderGuards() {
        assertThatThrownBy(() -> HttpClassifier.builder().setInputShape(2, 3).setNumClasses(3).build())
                .hasMessage("url is required");
        assertThatThrownBy(() -> HttpClassifier.builder().setUrl("ftp://host/x").setInputShape(2, 3).setNumClasses(3).build())
                .hasMessage("url must be an http(s) URL with a host, got 'ftp://host/x'");
        assertThatThrownBy(() -> model("/score").setNumClasses(1).build())
                .hasMessage("number of classes must be >= 2, got 1");
        assertThatThrownBy(() -> model("/score").optMaxBatchSize(0).build())
                .hasMessage("max batch size must be >= 1, got 0");
        assertThatThrownBy(() -> model("/score").optMaxRetries(-1).build())
                .hasMessage("max retries must be in [0, 10], got -1");
        assertThatThrownBy(() -> model("/score").optReadTimeout(Duration.ZERO).build())
                .hasMessage("read timeout must be positive, got PT0S");
        assertThatThrownBy(() -> model("/score").optClassNames(List.of("a")).build())
                .hasMessage("1 class names were given for 3 classes");
        assertThatThrownBy(() -> HttpClassifier.builder().setUrl("http://h/x").setNumClasses(3).build())
                .hasMessage("input shape is required, e.g. 1,28,28");
    }

    @Test
    void labelOnlyViewOfTheServiceAnswersOneHotRows() {
        HttpClassifier model = model("/score").build();
        LabelOnlyClassifier labels = LabelOnlyClassifier.of(model);
        float[] x = inputs(9);
        float[] z = expected(x);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] oneHot = labels.predict(m.create(x, new Shape(9, 2, 3))).toFloatArray();
            for (int i = 0; i < 9; i++) {
                int best = 0;
                for (int k = 1; k < K; k++) {
                    best = z[i * K + k] > z[i * K + best] ? k : best;
                }
                for (int k = 0; k < K; k++) {
                    assertThat(oneHot[i * K + k]).isEqualTo(k == best ? 1f : 0f);
                }
            }
        }
        assertThat(labels.outputKind()).isEqualTo(Classifier.OutputKind.LABEL_ONLY);
        assertThat(labels.description()).isEqualTo("label-only HTTP " + url("/score"));
    }
}
