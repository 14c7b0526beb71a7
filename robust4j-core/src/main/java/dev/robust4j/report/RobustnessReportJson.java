package dev.robust4j.report;

import static dev.robust4j.report.AttackRunJson.number;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.evaluate.AttackOutcome;
import dev.robust4j.evaluate.Curve;
import dev.robust4j.evaluate.Example;
import dev.robust4j.evaluate.PhysicalResult;
import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.evaluate.Round;

import java.lang.reflect.Array;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of a {@link RobustnessReport} ({@code report.json}), snake_case keys, undefined
 * numbers (NaN) as {@code null}, no pixel arrays:
 *
 * <pre>
 * verdict, target_met, threat_model, target_success_rate, best_round{index, defence},
 * rounds[{index, defence, kinds, model, defence_seconds, samples, clean_accuracy, success_rate,
 *         robust_accuracy, target_met, seconds,
 *         attacks[{label, attack, params, kind, access, samples, success_rate, robust_accuracy,
 *                  perturbation{l0_mean, l2_mean, l2_median, linf_mean, linf_max}, queries_mean,
 *                  seconds, detected_rate, skipped}],
 *         curves[{attack, params, epsilons, robust_accuracy, success_rate}],
 *         examples[{index, shape, label, label_name, clean_prediction, clean_prediction_name,
 *                   adversarial_prediction, adversarial_prediction_name, attack, l2, linf}],
 *         physical{transform{rotation, translation, scale, brightness, contrast, noise, blur}, draws,
 *                  seed, clean_accuracy, success_rate, robust_accuracy, strengths, strength_draws,
 *                  clean_accuracy_at_strength,
 *                  attacks[{label, success_rate, robust_accuracy, survival, survival_at_least_half,
 *                           survival_at_strength, success_rate_at_strength}]}}],
 * physical, class_names, provenance{...}
 * </pre>
 *
 * {@code physical} is present only under a physical threat model (top level: its settings; in a
 * round: the figures under its transformations, defined in {@code PhysicalResult}); the round's
 * {@code target_met} is then judged on {@code physical.success_rate}, while the round's own
 * {@code success_rate} stays the untransformed one.
 *
 * {@code kind} is {@code white-box} or {@code black-box} and {@code access} what the attack uses of
 * the model ({@code gradients}, {@code scores} or {@code labels}); {@code skipped} is the reason an
 * attack did not run, or {@code null}; {@code detected_rate} is {@code null} without a detector;
 * {@code *_name} is {@code null} when the data has no class names.
 */
public final class RobustnessReportJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RobustnessReportJson() {}

    /**
     * Builds the JSON object.
     *
     * @param report the report
     * @return the JSON object
     * @throws IllegalArgumentException if the report has no rounds or its best round is out of range
     */
    public static ObjectNode toJson(RobustnessReport report) {
        HtmlReport.check(report);
        ObjectNode o = NODES.objectNode();
        o.put("verdict", report.verdict());
        o.put("target_met", report.targetMet());
        o.put("threat_model", report.threatModel().id());
        number(o, "target_success_rate", report.targetSuccessRate());
        ObjectNode best = o.putObject("best_round");
        best.put("index", report.best().index());
        best.put("defence", report.best().defence());
        ArrayNode rounds = o.putArray("rounds");
        for (Round r : report.rounds()) {
            rounds.add(round(report, r));
        }
        PhysicalResult physical = report.rounds().get(0).physical();
        if (physical != null) {
            o.set("physical", node(physical.threat().settings()));
        }
        ArrayNode names = o.putArray("class_names");
        report.classNames().forEach(names::add);
        o.set("provenance", node(report.provenance()));
        return o;
    }

    private static ObjectNode round(RobustnessReport report, Round r) {
        ObjectNode o = NODES.objectNode();
        o.put("index", r.index());
        o.put("defence", r.defence());
        ArrayNode kinds = o.putArray("kinds");
        r.kinds().forEach(kinds::add);
        o.put("model", r.model());
        number(o, "defence_seconds", r.defenceSeconds());
        o.put("samples", r.pool().samples());
        number(o, "clean_accuracy", r.cleanAccuracy());
        number(o, "success_rate", r.successRate());
        number(o, "robust_accuracy", r.robustAccuracy());
        o.put("target_met", r.targetMet());
        number(o, "seconds", r.seconds());
        ArrayNode attacks = o.putArray("attacks");
        for (AttackOutcome a : r.pool().attacks()) {
            attacks.add(attack(a));
        }
        ArrayNode curves = o.putArray("curves");
        for (Curve c : r.curves()) {
            ObjectNode n = curves.addObject();
            n.put("attack", c.attack());
            n.set("params", node(c.params()));
            n.set("epsilons", numbers(c.epsilons()));
            n.set("robust_accuracy", numbers(c.robustAccuracy()));
            n.set("success_rate", numbers(c.successRate()));
        }
        ArrayNode examples = o.putArray("examples");
        for (Example e : r.pool().examples()) {
            ObjectNode n = examples.addObject();
            n.put("index", e.index());
            n.set("shape", node(e.shape()));
            label(report, n, "label", e.label());
            label(report, n, "clean_prediction", e.cleanPrediction());
            label(report, n, "adversarial_prediction", e.adversarialPrediction());
            n.put("attack", e.attack());
            number(n, "l2", shortest(e.l2()));
            number(n, "linf", shortest(e.linf()));
        }
        if (r.physical() != null) {
            o.set("physical", physical(r.physical()));
        }
        return o;
    }

    private static ObjectNode physical(PhysicalResult p) {
        ObjectNode o = NODES.objectNode();
        o.set("transform", node(p.threat().transform().params()));
        o.put("draws", p.threat().draws());
        o.put("seed", p.threat().seed());
        number(o, "clean_accuracy", p.cleanAccuracy());
        number(o, "success_rate", p.successRate());
        number(o, "robust_accuracy", p.robustAccuracy());
        o.set("strengths", numbers(p.threat().strengths()));
        o.put("strength_draws", p.threat().strengthDraws());
        o.set("clean_accuracy_at_strength", numbers(p.cleanAccuracyAtStrength()));
        ArrayNode attacks = o.putArray("attacks");
        for (PhysicalResult.Attack a : p.attacks()) {
            ObjectNode n = attacks.addObject();
            n.put("label", a.label());
            number(n, "success_rate", a.successRate());
            number(n, "robust_accuracy", a.robustAccuracy());
            number(n, "survival", a.survival());
            number(n, "survival_at_least_half", a.survivalAtLeastHalf());
            n.set("survival_at_strength", numbers(a.survivalAtStrength()));
            n.set("success_rate_at_strength", numbers(a.successRateAtStrength()));
        }
        return o;
    }

    private static ObjectNode attack(AttackOutcome a) {
        ObjectNode o = NODES.objectNode();
        o.put("label", a.label());
        o.put("attack", a.attack());
        o.set("params", node(a.params()));
        o.put("kind", a.kind() == null ? null : a.kind().threatModel());
        o.put("access", a.kind() == null ? null : a.kind().access());
        o.put("samples", a.samples());
        number(o, "success_rate", a.successRate());
        number(o, "robust_accuracy", a.robustAccuracy());
        AttackRunJson.perturbation(o, a.l0Mean(), a.l2Mean(), a.l2Median(), a.linfMean(), a.linfMax());
        number(o, "queries_mean", a.queriesMean());
        number(o, "seconds", a.seconds());
        number(o, "detected_rate", a.detectedRate());
        o.put("skipped", a.skipped());
        return o;
    }

    /** Puts {@code key} (the class index) and {@code key_name} (its name, or null). */
    private static void label(RobustnessReport report, ObjectNode o, String key, int label) {
        o.put(key, label);
        String name = key.equals("label") ? "label_name" : key + "_name";
        o.put(name, label >= 0 && label < report.classNames().size() ? report.classNames().get(label) : null);
    }

    private static ArrayNode numbers(double[] values) {
        ArrayNode a = NODES.arrayNode();
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
        return a;
    }

    /** A float as the double that prints the same (0.1f as 0.1, not 0.10000000149011612). */
    private static double shortest(float f) {
        return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : Double.NaN;
    }

    /**
     * Converts a provenance or parameter value: maps (keys sorted), collections and arrays,
     * numbers (non-finite as null), booleans; anything else as its string.
     */
    static com.fasterxml.jackson.databind.JsonNode node(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            sorted.forEach((k, x) -> o.set(k, node(x)));
            return o;
        }
        if (v instanceof Iterable<?> it) {
            ArrayNode a = NODES.arrayNode();
            it.forEach(x -> a.add(node(x)));
            return a;
        }
        if (v.getClass().isArray()) {
            ArrayNode a = NODES.arrayNode();
            for (int i = 0; i < Array.getLength(v); i++) {
                a.add(node(Array.get(v, i)));
            }
            return a;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? NODES.numberNode(v instanceof Float f ? shortest(f) : d) : NODES.nullNode();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return NODES.numberNode(((Number) v).longValue());
        }
        if (v instanceof java.math.BigDecimal d) {
            return NODES.numberNode(d);
        }
        if (v instanceof java.math.BigInteger i) {
            return NODES.numberNode(i);
        }
        if (v instanceof Number n) {
            return NODES.textNode(n.toString());
        }
        if (v instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        return NODES.textNode(v.toString());
    }
}
