package dev.robust4j.report;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.AtomicFiles;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.metric.QueryCurve;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Devices;
import dev.robust4j.transform.Survival;
import dev.robust4j.model.DifferentiableClassifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The JSON record of one attack run, the stable format of DESIGN §4 that other tools parse:
 * {@code attack, params, threat_model, targeted, samples, clean_accuracy, success_rate,
 * robust_accuracy, perturbation{l0_mean, l2_mean, l2_median, linf_mean, linf_max}, queries_mean,
 * seconds, samples_per_second, engine{name, version, threads}}. Keys are snake_case; numbers that
 * are undefined (e.g. a success rate when no sample was classified correctly) are {@code null}.
 */
public final class AttackRunJson {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AttackRunJson() {}

    /**
     * Builds the record.
     *
     * @param attack the attack that ran
     * @param targeted whether it ran targeted
     * @param summary the numbers
     * @return the JSON object
     */
    public static ObjectNode toJson(EvasionAttack attack, boolean targeted, AttackSummary summary) {
        return toJson(attack, targeted, summary, null);
    }

    /**
     * Builds the record, naming the attacked model and, for white-box attacks, how its gradients
     * were obtained ({@code "gradients": "exact"} or the BPDA steps).
     *
     * @param attack the attack that ran
     * @param targeted whether it ran targeted
     * @param summary the numbers
     * @param model the attacked model, or {@code null}
     * @return the JSON object
     */
    public static ObjectNode toJson(EvasionAttack attack, boolean targeted, AttackSummary summary, Classifier model) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("attack", attack.name());
        ObjectNode params = o.putObject("params");
        for (Map.Entry<String, Object> e : attack.params().entrySet()) {
            params.putPOJO(e.getKey(), e.getValue());
        }
        o.put("threat_model", attack.requiresGradients() ? "white-box" : "black-box");
        o.put("targeted", targeted);
        if (model != null) {
            o.put("model", model.description());
            if (attack.requiresGradients() && model instanceof DifferentiableClassifier) {
                o.put("gradients", ((DifferentiableClassifier) model).gradients());
            }
        }
        o.put("samples", summary.samples());
        number(o, "clean_accuracy", summary.cleanAccuracy());
        number(o, "success_rate", summary.successRate());
        number(o, "robust_accuracy", summary.robustAccuracy());
        perturbation(o, summary.l0Mean(), summary.l2Mean(), summary.l2Median(), summary.linfMean(), summary.linfMax());
        number(o, "queries_mean", summary.queriesMean());
        number(o, "seconds", summary.seconds());
        number(o, "samples_per_second", summary.samplesPerSecond());
        ObjectNode engine = o.putObject("engine");
        engine.put("name", "PyTorch");
        engine.put("version", Engine.getEngine("PyTorch").getVersion());
        engine.put("threads", Devices.engineThreads());
        return o;
    }

    /**
     * Adds the query cost of a (black-box) attack: mean and median queries to success over the
     * broken samples, and the success rate at budgets 10, 100, 1,000, 10,000, ... up to the most
     * queries any sample used ({@code success_rate_by_queries}).
     *
     * @param o the record from {@link #toJson}
     * @param curve the attack's query curve
     * @return {@code o}
     */
    public static ObjectNode addQueryCurve(ObjectNode o, QueryCurve curve) {
        number(o, "queries_to_success_mean", curve.meanQueries());
        number(o, "queries_to_success_median", curve.medianQueries());
        com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray("success_rate_by_queries");
        long max = 0;
        for (QueryCurve.Point p : curve.points()) {
            max = Math.max(max, p.queries());
        }
        for (long q = 10; ; q *= 10) {
            long budget = Math.min(q, Math.max(max, 10));
            ObjectNode row = a.addObject();
            row.put("queries", budget);
            number(row, "success_rate", curve.successRate(budget));
            if (budget >= max) {
                break;
            }
        }
        return o;
    }

    /**
     * Writes JSON to a file atomically: a temporary file in the same directory, then a move.
     *
     * @param json the JSON value
     * @param file the destination
     * @throws IOException if the JSON cannot be rendered
     * @throws java.io.UncheckedIOException naming the file if writing fails; the destination is then untouched
     */
    public static void write(ObjectNode json, Path file) throws IOException {
        byte[] bytes = toBytes(json);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Renders JSON as {@link #write} writes it (indented UTF-8).
     *
     * @param json the JSON value
     * @return the bytes
     * @throws IOException if the JSON cannot be rendered
     */
    public static byte[] toBytes(ObjectNode json) throws IOException {
        return MAPPER.writeValueAsBytes(json);
    }

    /**
     * Adds {@code perturbation{l0_mean, l2_mean, l2_median, linf_mean, linf_max}}: the key set every
     * robust4j record uses for perturbation norms.
     */
    /**
     * Adds robustness under a transformation distribution: {@code "survival": {transform, draws,
     * seed, clean_accuracy, attacked_mean, adversarial_mean, adversarial_at_least_half}} —
     * accuracy on transformed clean inputs over every (sample, draw); the mean fraction of draws
     * under which the answer is adversarial, over the correctly classified (attacked) samples and
     * over the successful adversarials; and the share of successful adversarials that stay
     * adversarial under at least half the draws.
     *
     * @param o the record
     * @param clean the measurement on the clean inputs (untargeted: wrong answers)
     * @param adversarial the measurement on the returned adversarials
     * @param result the attack's result (which samples were correct, which succeeded)
     * @return {@code o}
     */
    public static ObjectNode addSurvival(ObjectNode o, Survival clean, Survival adversarial, AttackResult result) {
        boolean[] correct = result.cleanCorrect();
        boolean[] broken = new boolean[correct.length];
        for (int i = 0; i < correct.length; i++) {
            broken[i] = correct[i] && result.success()[i];
        }
        ObjectNode s = o.putObject("survival");
        ObjectNode t = s.putObject("transform");
        for (Map.Entry<String, Object> e : adversarial.spec().params().entrySet()) {
            t.putPOJO(e.getKey(), e.getValue());
        }
        s.put("draws", adversarial.draws());
        s.put("seed", adversarial.seed());
        number(s, "clean_accuracy", 1 - clean.mean(null));
        number(s, "attacked_mean", adversarial.mean(correct));
        number(s, "adversarial_mean", adversarial.mean(broken));
        number(s, "adversarial_at_least_half", adversarial.shareAtLeast(broken, 0.5));
        return o;
    }

    static void perturbation(ObjectNode o, double l0Mean, double l2Mean, double l2Median, double linfMean, double linfMax) {
        ObjectNode p = o.putObject("perturbation");
        number(p, "l0_mean", l0Mean);
        number(p, "l2_mean", l2Mean);
        number(p, "l2_median", l2Median);
        number(p, "linf_mean", linfMean);
        number(p, "linf_max", linfMax);
    }

    /** Puts a number, or {@code null} if it is NaN or infinite. */
    static void number(ObjectNode o, String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }
}
