package dev.robust4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robust4j.data.Npy;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.model.HttpClassifier;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelServer} on an ephemeral loopback port, serving a nearest-class-mean linear model of
 * the fixture images ({@code s_k = x·μ_k − ‖μ_k‖²/2}) whose scores the test computes itself.
 */
class ModelServerTest {

    static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures", "torchscript");
    static final int K = 10;
    static final int D = 784;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static float[][] images;
    static float[][] means;
    static float[] offsets;

    private ModelServer server;

    @BeforeAll
    static void data() {
        float[] x = Npy.read(FIXTURES.resolve("x.npy")).floats();
        long[] y = Npy.read(FIXTURES.resolve("y.npy")).longs();
        images = new float[y.length][D];
        means = new float[K][D];
        int[] count = new int[K];
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(x, i * D, images[i], 0, D);
            int c = (int) y[i];
            count[c]++;
            for (int j = 0; j < D; j++) {
                means[c][j] += images[i][j];
            }
        }
        offsets = new float[K];
        for (int c = 0; c < K; c++) {
            for (int j = 0; j < D; j++) {
                means[c][j] /= Math.max(count[c], 1);
                offsets[c] -= 0.5f * means[c][j] * means[c][j];
            }
        }
    }

    static float[] score(float[] row) {
        float[] s = new float[K];
        for (int c = 0; c < K; c++) {
            float v = offsets[c];
            for (int j = 0; j < D; j++) {
                v += row[j] * means[c][j];
            }
            s[c] = v;
        }
        return s;
    }

    static Classifier linear(Function<float[][], float[][]> around) {
        return new FunctionClassifier(around, new Shape(1, 28, 28), Bounds.UNIT, K, Classifier.OutputKind.SCORES,
                List.of(), "nearest-class-mean");
    }

    static Classifier linear() {
        return linear(rows -> {
            float[][] out = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                out[i] = score(rows[i]);
            }
            return out;
        });
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ModelServer start(ModelServer.Builder b) {
        server = b.optPort(0).start();
        return server;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static String body(float[]... rows) {
        StringBuilder b = new StringBuilder("{\"inputs\": [");
        for (int i = 0; i < rows.length; i++) {
            b.append(i == 0 ? "[" : ",[");
            for (int j = 0; j < rows[i].length; j++) {
                b.append(j == 0 ? "" : ",").append(rows[i][j]);
            }
            b.append(']');
        }
        return b.append("]}").toString();
    }

    HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url("/v1/predict")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void assertScores(JsonNode answer, int index, int row) {
        float[] want = score(images[row]);
        JsonNode got = answer.get("scores").get(index);
        assertThat(got.size()).isEqualTo(K);
        int best = 0;
        for (int c = 0; c < K; c++) {
            assertThat(got.get(c).floatValue()).isEqualTo(want[c]);
            best = want[c] > want[best] ? c : best;
        }
        assertThat(answer.get("labels").get(index).asInt()).isEqualTo(best);
    }

    @Test
    void answersScoresLabelsAndFlags() throws Exception {
        start(ModelServer.builder().setModel(linear()));
        HttpResponse<String> r = post(body(images[0], images[1], images[2]));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode a = JSON.readTree(r.body());
        for (int i = 0; i < 3; i++) {
            assertScores(a, i, i);
            assertThat(a.get("flagged").get(i).asBoolean()).isFalse();
            assertThat(a.get("detector_scores").get(i).isNull()).isTrue();
        }
    }

    @Test
    void isARobust4jHttpModel() {
        start(ModelServer.builder().setModel(linear()).optMaxBatch(7));
        HttpClassifier client = HttpClassifier.builder().setUrl(url("/v1/predict")).setInputShape(new long[] {1, 28, 28})
                .setNumClasses(K).optMaxBatchSize(16).build();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] flat = new float[20 * D];
            for (int i = 0; i < 20; i++) {
                System.arraycopy(images[i], 0, flat, i * D, D);
            }
            NDArray x = m.create(flat, new Shape(20, 1, 28, 28));
            float[] got = client.predict(x).toFloatArray();
            for (int i = 0; i < 20; i++) {
                float[] want = score(images[i]);
                for (int c = 0; c < K; c++) {
                    assertThat(got[i * K + c]).isEqualTo(want[c]);
                }
            }
        }
    }

    @Test
    void refusesBadRequestsWith400AndStaysUp() throws Exception {
        start(ModelServer.builder().setModel(linear()));
        float[] short1 = new float[D - 1];
        float[] out = images[0].clone();
        out[5] = 1.5f;
        String[][] cases = {
            {"{\"inputs\": [[0.1, 0.2", "not valid JSON"},
            {"[1, 2]", "must be a JSON object"},
            {"{\"rows\": [[0.5]]}", "missing field 'inputs'"},
            {"{\"inputs\": 3}", "must be an array of rows"},
            {"{\"inputs\": []}", "has no rows"},
            {body(short1), "row 0 of 'inputs' has 783 values; expected 784 (input shape 1, 28, 28)"},
            {body(images[0], images[1]).replace("]]}", ",0.5]]}"), "row 1 of 'inputs' has more than 784 values"},
            {"{\"inputs\": [[" + "0.5,".repeat(3) + "1e999" + ",0.5".repeat(D - 4) + "]]}",
                "row 0, column 3 of 'inputs' is not a finite float32: 1e999"},
            {"{\"inputs\": [[NaN]]}", "not valid JSON"},
            {"{\"inputs\": [[\"a\"]]}", "row 0, column 0 of 'inputs' is a string; expected a number"},
            {body(out), "row 0, column 5 of 'inputs' is 1.5, outside the model's input bounds [0.0, 1.0]"},
            {"{\"inputs\": [[0.5]], \"inputs\": [[0.5]]}", "row 0 of 'inputs' has 1 values"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post(c[0]);
            assertThat(r.statusCode()).as(c[1]).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains(c[1]);
        }
        HttpResponse<String> ok = post(body(images[3]));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertScores(JSON.readTree(ok.body()), 0, 3);
        HttpResponse<String> missing = get("/v2/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").asText()).contains("no such endpoint");
    }

    @Test
    void refusesABodyOverTheLimitWith413() throws Exception {
        start(ModelServer.builder().setModel(linear()).optMaxBody(20_000));
        HttpResponse<String> r = post(body(images[0], images[1], images[2], images[3]));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("larger than 20000 bytes");
        // chunked, without a length: cut off while reading
        HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(URI.create(url("/v1/predict")))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body(images[0], images[1], images[2], images[3], images[4], images[5]).getBytes())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        HttpResponse<String> ok = post(body(images[4]));
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void refusesWith503WhenTheQueueIsFullAndFinishesTheOthers() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Classifier blocking = linear(rows -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[][] o = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                o[i] = score(rows[i]);
            }
            return o;
        });
        start(ModelServer.builder().setModel(blocking).optMaxQueue(2));
        CompletableFuture<HttpResponse<String>> first = CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(
                url("/v1/predict"))).POST(HttpRequest.BodyPublishers.ofString(body(images[0]))).build(),
                HttpResponse.BodyHandlers.ofString());
        entered.await();
        CompletableFuture<HttpResponse<String>> second = CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(
                url("/v1/predict"))).POST(HttpRequest.BodyPublishers.ofString(body(images[1]))).build(),
                HttpResponse.BodyHandlers.ofString());
        while (server.metrics().inFlight().get() < 2) {
            Thread.sleep(5);
        }
        HttpResponse<String> refused = post(body(images[2]));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("overloaded");
        assertThat(get("/health").statusCode()).isEqualTo(200);
        release.countDown();
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(second.get().statusCode()).isEqualTo(200);
        assertScores(JSON.readTree(second.get().body()), 0, 1);
        assertThat(post(body(images[2])).statusCode()).isEqualTo(200);
    }

    @Test
    void serves16ConcurrentClientsSendingSingleRows() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Classifier counted = linear(rows -> {
            calls.incrementAndGet();
            float[][] o = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                o[i] = score(rows[i]);
            }
            return o;
        });
        start(ModelServer.builder().setModel(counted).optMaxBatch(16).optMaxQueue(16).optThreads(16));
        int clients = 16;
        int each = 12;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int k = 0; k < each; k++) {
                        int row = (id * each + k) % images.length;
                        HttpResponse<String> r = post(body(images[row]));
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        assertScores(JSON.readTree(r.body()), 0, row);
                        ok++;
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            assertThat(total).isEqualTo(clients * each);
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls.get()).isBetween(1, clients * each);
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("robust4j_rows_total " + (double) (clients * each));
    }

    @Test
    void exposesPrometheusMetricsAndHealth() throws Exception {
        start(ModelServer.builder().setModel(linear()));
        post(body(images[0], images[1]));
        post("{");
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode h = JSON.readTree(health.body());
        assertThat(h.get("status").asText()).isEqualTo("ok");
        assertThat(h.get("num_classes").asInt()).isEqualTo(K);
        assertThat(h.get("input_shape").toString()).isEqualTo("[1,28,28]");
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains(
                "robust4j_requests_total{path=\"/v1/predict\",status=\"200\"} 1.0",
                "robust4j_requests_total{path=\"/v1/predict\",status=\"400\"} 1.0",
                "robust4j_requests_total{path=\"/health\",status=\"200\"} 1.0",
                "robust4j_rows_total 2.0",
                "robust4j_flagged_total 0.0",
                "robust4j_request_seconds_bucket{le=",
                "robust4j_request_seconds_count 2",
                "robust4j_batch_rows_bucket{le=",
                "robust4j_in_flight 0.0",
                "robust4j_queue_capacity 64.0");
    }

    @Test
    void closeFinishesTheRequestsInFlight() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Classifier blocking = linear(rows -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new float[][] {score(rows[0])};
        });
        start(ModelServer.builder().setModel(blocking));
        CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(
                url("/v1/predict"))).POST(HttpRequest.BodyPublishers.ofString(body(images[5]))).build(),
                HttpResponse.BodyHandlers.ofString());
        entered.await();
        Thread closer = new Thread(server::close);
        closer.start();
        while (get("/health").statusCode() != 503) {
            Thread.sleep(5);
        }
        assertThat(post(body(images[6])).statusCode()).isEqualTo(503);
        release.countDown();
        HttpResponse<String> r = inFlight.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertScores(JSON.readTree(r.body()), 0, 5);
        closer.join();
    }

    @Test
    void proxiesAnHttpModelAndAnswers502WhenItFails() throws Exception {
        ModelServer upstream = ModelServer.builder().setModel(linear()).optPort(0).start();
        try {
            HttpClassifier remote = HttpClassifier.builder()
                    .setUrl("http://127.0.0.1:" + upstream.port() + "/v1/predict")
                    .setInputShape(new long[] {1, 28, 28}).setNumClasses(K).optMaxRetries(0).build();
            start(ModelServer.builder().setModel(remote));
            HttpResponse<String> r = post(body(images[7], images[8]));
            assertThat(r.statusCode()).isEqualTo(200);
            assertScores(JSON.readTree(r.body()), 0, 7);
            assertScores(JSON.readTree(r.body()), 1, 8);
            // the proxy checks requests itself: a bad one never reaches the model behind it
            assertThat(post("{\"inputs\": [[0.5]]}").statusCode()).isEqualTo(400);
        } finally {
            upstream.close();
        }
        HttpResponse<String> down = post(body(images[9]));
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(down.body()).get("error").asText()).startsWith("the model behind this server failed: ");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aModelThatAnswersNaNGets500AndTheServerStaysUp() throws Exception {
        Classifier broken = linear(rows -> {
            float[][] o = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                o[i] = score(rows[i]);
                if (rows[i][0] == 1f) {
                    o[i][2] = Float.NaN;
                }
            }
            return o;
        });
        start(ModelServer.builder().setModel(broken));
        float[] poison = images[0].clone();
        poison[0] = 1f;
        HttpResponse<String> r = post(body(poison));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("answered a non-finite score (NaN) in row 0");
        HttpResponse<String> ok = post(body(images[1]));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertScores(JSON.readTree(ok.body()), 0, 1);
    }

    @Test
    void builderRefusesBadSettings() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelServer.builder().setModel(linear()).optMaxBatch(0)
                .start()).hasMessage("max batch must be in [1, 65536], got 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelServer.builder().setModel(linear()).optPort(70000)
                .start()).hasMessage("port must be in [0, 65535], got 70000");
    }
}
