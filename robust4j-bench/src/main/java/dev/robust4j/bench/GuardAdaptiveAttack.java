package dev.robust4j.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Npy;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.FunctionClassifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A black-box attack on a guarded {@code robust4j serve} endpoint, without and with adaptation to
 * its guard. Both are untargeted Square attacks (L∞) that only query the endpoint.
 * <ul>
 *   <li>non-adaptive: the attack sees the {@code scores} only, as {@code robust4j attack --model
 *       http://...} does; its adversarials are then sent again to count how many the guard flags;
 *   <li>adaptive: the detector folded into the scores, after Carlini &amp; Wagner ("Adversarial
 *       examples are not easily detected", AISec 2017): the attacked model answers the endpoint's
 *       scores {@code z} with the true class's raised to {@code max(z_y, max_k z_k + S (d - τ))},
 *       from the guard's score {@code d} and threshold {@code τ} (which the server's
 *       {@code /health} names: the defence is assumed known), so a flagged input counts as still
 *       correct and the attack's margin loss pushes the guard's score down as well. The attacker
 *       knows which of its samples a query comes from (the nearest one).
 * </ul>
 * Success counts are re-measured by sending the final adversarials to the endpoint.
 *
 * <pre>{@code GuardAdaptiveAttack URL X.npy Y.npy [n=20] [eps=0.1] [max-queries=1000] [seed=0]}</pre>
 */
public final class GuardAdaptiveAttack {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float REJECT_SCALE = 20f;

    private GuardAdaptiveAttack() {}

    /**
     * Runs both attacks and prints one line each.
     *
     * @param args URL, images, labels, samples, eps, max queries, seed
     * @throws Exception on a failed request
     */
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        float[] x = Npy.read(Path.of(args[1])).toFloats();
        long[] yl = Npy.read(Path.of(args[2])).toLongs();
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        String eps = args.length > 4 ? args[4] : "0.1";
        String queries = args.length > 5 ? args[5] : "1000";
        String seed = args.length > 6 ? args[6] : "0";
        HttpClient client = HttpClient.newHttpClient();
        JsonNode health = JSON.readTree(client.send(HttpRequest.newBuilder(url.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        int k = health.get("num_classes").asInt();
        long[] shape = new long[health.get("input_shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = health.get("input_shape").get(i).asLong();
        }
        Matcher m = Pattern.compile("threshold ([-0-9.eE]+)").matcher(health.get("guards").toString());
        if (!m.find()) {
            throw new IllegalArgumentException("the server at " + url + " names no guard threshold: " + health);
        }
        float tau = Float.parseFloat(m.group(1));
        int dim = x.length / yl.length;
        float[] xs = new float[n * dim];
        System.arraycopy(x, 0, xs, 0, xs.length);
        int[] y = new int[n];
        int[] targets = null;
        for (int i = 0; i < n; i++) {
            y[i] = (int) yl[i];
        }
        Dataset data = new Dataset(xs, shape, y, List.of(), args[1]);
        Endpoint endpoint = new Endpoint(client, url);
        Classifier plain = new FunctionClassifier(rows -> endpoint.post(rows).scores, new Shape(shape), Bounds.UNIT, k,
                Classifier.OutputKind.SCORES, List.of(), "endpoint scores");
        Classifier composite = new FunctionClassifier(rows -> {
            Answer a = endpoint.post(rows);
            float[][] out = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                // the attacker knows which of its own samples a query comes from: the nearest one
                int origin = nearest(rows[i], xs, n, dim);
                out[i] = a.scores[i].clone();
                float max = Float.NEGATIVE_INFINITY;
                for (float v : a.scores[i]) {
                    max = Math.max(max, v);
                }
                int t = y[origin];
                out[i][t] = Math.max(out[i][t], max + REJECT_SCALE * (a.detector[i] - tau));
            }
            return out;
        }, new Shape(shape), Bounds.UNIT, k, Classifier.OutputKind.SCORES, List.of(), "endpoint scores, guard folded in");
        Answer clean = endpoint.post(rows(xs, n, dim));
        System.out.printf(Locale.ROOT, "guard threshold %.4f; %d clean samples: %d flagged%n", tau, n, count(clean.flagged));
        EvasionAttack square = AttackRegistry.create("square", Map.of("eps", eps, "max-queries", queries, "seed", seed));
        run("non-adaptive", square, plain, data, targets, endpoint, y, clean);
        run("adaptive (guard folded in)", square, composite, data, targets, endpoint, y, clean);
    }

    private static void run(String label, EvasionAttack attack, Classifier model, Dataset data, int[] targets,
            Endpoint endpoint, int[] y, Answer clean) throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                AttackResult r = AttackRunner.run(attack, model, data, targets, data.size(), manager, null)) {
            int n = data.size();
            int dim = data.sampleSize();
            Answer adv = endpoint.post(rows(r.adversarial().toFloatArray(), n, dim));
            int eligible = 0;
            int reached = 0;
            int reachedFlagged = 0;
            for (int i = 0; i < n; i++) {
                if (clean.labels[i] != y[i] || clean.flagged[i]) {
                    continue; // only samples the guarded model serves correctly and unflagged
                }
                eligible++;
                if (adv.labels[i] != y[i]) {
                    reached++;
                    reachedFlagged += adv.flagged[i] ? 1 : 0;
                }
            }
            long q = 0;
            for (long v : r.queries()) {
                q += v;
            }
            System.out.printf(Locale.ROOT, "%-28s %d eligible: misclassified %d, of which flagged %d; success past the"
                    + " guard %d (%.2f); %.0f queries/sample%n", label, eligible, reached, reachedFlagged,
                    reached - reachedFlagged, eligible == 0 ? Double.NaN : (reached - reachedFlagged) / (double) eligible,
                    q / (double) n);
        }
    }

    private static int nearest(float[] row, float[] xs, int n, int dim) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double d = 0;
            for (int j = 0; j < dim; j++) {
                double e = row[j] - xs[i * dim + j];
                d += e * e;
            }
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    private static float[][] rows(float[] flat, int n, int dim) {
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * dim, out[i], 0, dim);
        }
        return out;
    }

    private static int count(boolean[] b) {
        int c = 0;
        for (boolean v : b) {
            c += v ? 1 : 0;
        }
        return c;
    }

    private record Answer(float[][] scores, int[] labels, boolean[] flagged, float[] detector) {}

    private record Endpoint(HttpClient client, URI url) {
        Answer post(float[][] rows) {
            try {
                StringBuilder b = new StringBuilder("{\"inputs\":[");
                for (int i = 0; i < rows.length; i++) {
                    b.append(i == 0 ? "[" : ",[");
                    for (int j = 0; j < rows[i].length; j++) {
                        b.append(j == 0 ? "" : ",").append(rows[i][j]);
                    }
                    b.append(']');
                }
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(url)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(b.append("]}").toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
                }
                JsonNode a = JSON.readTree(r.body());
                int n = rows.length;
                Answer out = new Answer(new float[n][], new int[n], new boolean[n], new float[n]);
                for (int i = 0; i < n; i++) {
                    JsonNode s = a.get("scores").get(i);
                    out.scores[i] = new float[s.size()];
                    for (int c = 0; c < s.size(); c++) {
                        out.scores[i][c] = s.get(c).floatValue();
                    }
                    out.labels[i] = a.get("labels").get(i).asInt();
                    out.flagged[i] = a.get("flagged").get(i).asBoolean();
                    out.detector[i] = a.get("detector_scores").get(i).floatValue();
                }
                return out;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
