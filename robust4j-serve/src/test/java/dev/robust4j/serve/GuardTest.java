package dev.robust4j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Npy;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.detect.FeatureSqueezingDetector;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The feature-squeezing guard in front of the committed TorchScript fixture CNN: calibrated on the
 * 100 fixture images for a false-positive rate of 0.1, then served those images.
 */
class GuardTest {

    private static final Path FIXTURES = ModelServerTest.FIXTURES;

    @Test
    void servedFlagsAreTheCalibratedDetectorsOnItsScores() throws Exception {
        float[] x = Npy.read(FIXTURES.resolve("x.npy")).toFloats();
        int n = 100;
        int d = 784;
        Dataset clean = new Dataset(x, new long[] {1, 28, 28}, null, List.of(), "x.npy");
        Classifier model = Robust4j.loadModel(FIXTURES.resolve("cnn_traced.pt"), new long[] {1, 28, 28}, Bounds.UNIT);
        try {
            Guard guard = GuardSpecs.create(DefenceSpec.parse("feature-squeezing-detector:fpr=0.1"), model, clean, 0.05,
                    32);
            FeatureSqueezingDetector detector = (FeatureSqueezingDetector) ((DetectorGuard) guard).detector();
            float[] direct = detector.scores(clean, 32);
            try (ModelServer server = ModelServer.builder().setModel(model).addGuard(guard).optPort(0).optMaxBatch(64)
                    .start()) {
                float[][] rows = new float[n][d];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(x, i * d, rows[i], 0, d);
                }
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/predict"))
                        .POST(HttpRequest.BodyPublishers.ofString(ModelServerTest.body(rows))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode a = new ObjectMapper().readTree(r.body());
                int flagged = 0;
                for (int i = 0; i < n; i++) {
                    float s = a.get("detector_scores").get(i).floatValue();
                    // batches of 64 + 36 rows here, of 32 in the direct call: libtorch may differ in the last bits
                    assertThat((double) s).isCloseTo(direct[i], within(1e-3));
                    boolean f = a.get("flagged").get(i).asBoolean();
                    assertThat(f).isEqualTo(s > detector.threshold());
                    flagged += f ? 1 : 0;
                }
                // calibrated so that at most 10 of these 100 score above the threshold; a score
                // within rounding of the threshold may land on either side here
                assertThat(flagged).isBetween(7, 12);
                assertThat(server.metrics().scrape()).contains("robust4j_flagged_total " + (double) flagged);
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.body()).contains("feature-squeezing detector [feature-squeezing:bit-depth=1,"
                        + " median-smoothing:window=2], threshold ");
            }
        } finally {
            model.close();
        }
    }

    @Test
    void sixteenConcurrentClientsOfTheTorchScriptModelAreServedTheirOwnScores() throws Exception {
        float[] x = Npy.read(FIXTURES.resolve("x.npy")).toFloats();
        float[] logits = Npy.read(FIXTURES.resolve("logits.npy")).toFloats();
        int d = 784;
        Classifier model = Robust4j.loadModel(FIXTURES.resolve("cnn_traced.pt"), new long[] {1, 28, 28}, Bounds.UNIT);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try (ModelServer server = ModelServer.builder().setModel(model).optPort(0).optMaxBatch(16).start()) {
            HttpClient client = HttpClient.newHttpClient();
            URI url = URI.create("http://127.0.0.1:" + server.port() + "/v1/predict");
            List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
            for (int c = 0; c < 16; c++) {
                int id = c;
                done.add(pool.submit(() -> {
                    for (int k = 0; k < 5; k++) {
                        int row = (id * 5 + k) % 100;
                        float[] one = new float[d];
                        System.arraycopy(x, row * d, one, 0, d);
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(url)
                                .POST(HttpRequest.BodyPublishers.ofString(ModelServerTest.body(one))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        JsonNode scores = new ObjectMapper().readTree(r.body()).get("scores").get(0);
                        for (int j = 0; j < 10; j++) {
                            // PyTorch's own eval-mode logits of the fixture (logits.npy), whatever batch a row landed in
                            assertThat((double) scores.get(j).floatValue()).isCloseTo(logits[row * 10 + j], within(1e-3));
                        }
                    }
                    return 5;
                }));
            }
            int total = 0;
            for (java.util.concurrent.Future<Integer> f : done) {
                total += f.get();
            }
            assertThat(total).isEqualTo(80);
        } finally {
            pool.shutdownNow();
            model.close();
        }
    }

    @Test
    void specsAreCheckedBeforeAnyModelIsLoaded() {
        assertThatThrownBy(() -> GuardSpecs.check(DefenceSpec.parse("binary")))
                .hasMessage("unknown guard 'binary'; known: feature-squeezing-detector, binary-detector, smoothing");
        assertThatThrownBy(() -> GuardSpecs.check(DefenceSpec.parse("smoothing:n=100")))
                .hasMessageContaining("sigma is required");
        assertThatThrownBy(() -> GuardSpecs.check(DefenceSpec.parse("smoothing:sigma=0.25,n0=200,n=100")))
                .hasMessageContaining("n0 must be in [1, n = 100], got 200");
        assertThat(GuardSpecs.needsCalibration(DefenceSpec.parse("smoothing:sigma=0.25"))).isFalse();
        assertThatThrownBy(() -> GuardSpecs.check(DefenceSpec.parse("feature-squeezing-detector:fpr=1")))
                .hasMessageContaining("fpr must be a number in [0, 1), got '1'");
        assertThatThrownBy(() -> GuardSpecs.check(DefenceSpec.parse("feature-squeezing-detector:bit-depth=0,window=0")))
                .hasMessageContaining("has no squeezer");
        assertThat(GuardSpecs.needsCalibration(DefenceSpec.parse("feature-squeezing-detector"))).isTrue();
    }

    @Test
    void theSmoothingGuardAnswersEachRowWithItsCertificateAndFlagsAbstentions() throws Exception {
        float[] x = Npy.read(FIXTURES.resolve("x.npy")).toFloats();
        int n = 12;
        int d = 784;
        Classifier model = Robust4j.loadModel(FIXTURES.resolve("cnn_traced.pt"), new long[] {1, 28, 28}, Bounds.UNIT);
        try {
            dev.robust4j.defence.smoothing.SmoothingConfig config =
                    dev.robust4j.defence.smoothing.SmoothingConfig.parse("sigma=0.5,n=200,n0=20,alpha=0.01,batch=100");
            Guard guard = GuardSpecs.create(DefenceSpec.parse("smoothing:sigma=0.5,n=200,n0=20,alpha=0.01,batch=100"),
                    model, null, 0.05, 32);
            List<dev.robust4j.defence.smoothing.SmoothedClassifier.Certificate> direct;
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                float[] first = java.util.Arrays.copyOf(x, n * d);
                direct = config.smooth(model).certify(m.create(first, new ai.djl.ndarray.types.Shape(n, 1, 28, 28)),
                        20, 200, 0.01);
            }
            try (ModelServer server = ModelServer.builder().setModel(model).addGuard(guard).optPort(0).optMaxBatch(5)
                    .start()) {
                float[][] rows = new float[n][d];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(x, i * d, rows[i], 0, d);
                }
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/predict"))
                        .POST(HttpRequest.BodyPublishers.ofString(ModelServerTest.body(rows))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode a = new ObjectMapper().readTree(r.body());
                int abstained = 0;
                for (int i = 0; i < n; i++) {
                    JsonNode c = a.get("certified").get(i);
                    // a row's noise is keyed by its values and the seed, so the served certificate (in a
                    // batch of at most 5 rows) is the direct one (a batch of 12)
                    dev.robust4j.defence.smoothing.SmoothedClassifier.Certificate e = direct.get(i);
                    if (e.abstained()) {
                        assertThat(c.get("label").isNull()).isTrue();
                        abstained++;
                    } else {
                        assertThat(c.get("label").asInt()).isEqualTo(e.label());
                    }
                    assertThat(c.get("radius").asDouble()).isCloseTo(e.radius(), within(1e-9));
                    assertThat(a.get("flagged").get(i).asBoolean()).isEqualTo(e.abstained());
                    assertThat(a.get("detector_scores").get(i).asDouble()).isCloseTo(1 - e.pALower(), within(1e-6));
                }
                assertThat(server.metrics().scrape()).contains("robust4j_flagged_total " + (double) abstained);
            }
        } finally {
            model.close();
        }
    }

    @Test
    void theBinaryDetectorGuardServesTheCalibratedDetectorsScores(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        float[] x = Npy.read(FIXTURES.resolve("x.npy")).toFloats();
        int[] y = toInts(Npy.read(FIXTURES.resolve("y.npy")).toLongs());
        int d = 784;
        Dataset train = new Dataset(java.util.Arrays.copyOf(x, 60 * d), new long[] {1, 28, 28},
                java.util.Arrays.copyOf(y, 60), List.of(), "x.npy[0:60]");
        Dataset clean = new Dataset(java.util.Arrays.copyOfRange(x, 60 * d, 100 * d), new long[] {1, 28, 28}, null,
                List.of(), "x.npy[60:100]");
        Classifier model = Robust4j.loadModel(FIXTURES.resolve("cnn_traced.pt"), new long[] {1, 28, 28}, Bounds.UNIT);
        Path dir = tmp.resolve("detector");
        try (dev.robust4j.defence.detect.BinaryInputDetector trained =
                dev.robust4j.defence.detect.BinaryInputDetector.train(model, train,
                        dev.robust4j.attack.Attacks.fgsm(0.1f), "mlp",
                        dev.robust4j.nn.TrainingConfig.builder().optEpochs(2).optBatchSize(32).optSeed(1).build(), 60,
                        dev.robust4j.nn.TrainingListener.NONE)) {
            trained.save(dir);
        }
        assertThatThrownBy(() -> GuardSpecs.check(DefenceSpec.parse("binary-detector:dir=" + tmp.resolve("none"))))
                .hasMessageContaining("is not a detector directory");
        assertThatThrownBy(() -> GuardSpecs.check(DefenceSpec.parse("binary-detector")))
                .hasMessageContaining("dir=DIR is required");
        assertThat(GuardSpecs.needsCalibration(DefenceSpec.parse("binary-detector:dir=" + dir))).isTrue();
        try {
            Guard guard = GuardSpecs.create(DefenceSpec.parse("binary-detector:dir=" + dir + ",fpr=0.1"), model, clean,
                    0.05, 16);
            dev.robust4j.defence.detect.BinaryInputDetector detector =
                    (dev.robust4j.defence.detect.BinaryInputDetector) ((DetectorGuard) guard).detector();
            float[] direct = detector.scores(clean, 40);
            try (ModelServer server = ModelServer.builder().setModel(model).addGuard(guard).optPort(0).optMaxBatch(64)
                    .start()) {
                float[][] rows = new float[40][d];
                for (int i = 0; i < 40; i++) {
                    System.arraycopy(x, (60 + i) * d, rows[i], 0, d);
                }
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/predict"))
                        .POST(HttpRequest.BodyPublishers.ofString(ModelServerTest.body(rows))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode a = new ObjectMapper().readTree(r.body());
                int flagged = 0;
                for (int i = 0; i < 40; i++) {
                    float s = a.get("detector_scores").get(i).floatValue();
                    assertThat((double) s).isCloseTo(direct[i], within(1e-3));
                    boolean f = a.get("flagged").get(i).asBoolean();
                    assertThat(f).isEqualTo(s > detector.threshold());
                    flagged += f ? 1 : 0;
                }
                // calibrated on these 40 images for a rate of 0.1: at most 4 above the threshold, one more
                // if a score within rounding of the threshold lands on the other side
                assertThat(flagged).isLessThanOrEqualTo(5);
            }
        } finally {
            model.close();
        }
    }

    private static int[] toInts(long[] f) {
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = (int) f[i];
        }
        return out;
    }

    @Test
    void anUncalibratedSqueezingDetectorIsRefused() {
        Classifier model = ModelServerTest.linear();
        assertThatThrownBy(() -> new DetectorGuard(FeatureSqueezingDetector.xuEtAl(model)))
                .hasMessageContaining("not calibrated");
    }
}
