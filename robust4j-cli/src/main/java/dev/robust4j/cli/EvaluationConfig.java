package dev.robust4j.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.robust4j.data.IoErrors;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Limits;
import dev.robust4j.evaluate.CurveSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the YAML configuration of {@code robust4j evaluate} into an {@link EvaluationSpec},
 * refusing unknown keys and values of the wrong type with messages that name the file, the key
 * and the value. Relative paths are resolved against the configuration file's folder; known
 * dataset names ({@code sample}, {@code fashion-mnist}) and URLs are left as they are.
 * The schema is in the README ("robust4j evaluate").
 */
final class EvaluationConfig {

    static final Set<String> TOP = Set.of("model", "input_shape", "bounds", "normalization", "num_classes", "data",
            "labels", "limit",
            "threat_model", "target_success_rate", "attacks", "defences", "training", "calibration", "curves",
            "batch_size", "examples", "stop_when_met", "report", "json", "device", "survival");
    static final Set<String> TRAINING = Set.of("data", "labels", "limit", "arch", "activation", "epochs", "batch_size",
            "learning_rate", "seed");
    static final Set<String> CALIBRATION = Set.of("data", "labels", "limit");
    static final Set<String> CURVE = Set.of("attack", "params", "epsilons", "samples");
    static final Set<String> NAMED = Set.of("name", "params");
    static final Set<String> SURVIVAL = Set.of("transform", "draws", "seed", "strengths", "strength_draws");
    static final Set<String> NORMALIZATION = Set.of("mean", "std");

    private final Path file;
    private final Path folder;

    private EvaluationConfig(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        this.folder = parent == null ? Path.of(".") : parent;
    }

    /**
     * Reads a configuration file.
     *
     * @param file the YAML file
     * @return what it asks for
     * @throws IllegalArgumentException naming the file, key and value for anything wrong
     */
    static EvaluationSpec read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--config " + file + " is not a file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
        if (size > Limits.configBytes()) {
            throw new IllegalArgumentException("--config " + file + " is " + size + " bytes, more than the limit of "
                    + Limits.configBytes() + " for a configuration file" + Limits.hint(Limits.CONFIG_BYTES));
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new IllegalArgumentException(file + " is not valid YAML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping of settings (model:, data:, attacks:, ...)");
        }
        return new EvaluationConfig(file).spec(root);
    }

    private EvaluationSpec spec(JsonNode root) {
        keys(root, TOP, "");
        EvaluationSpec s = new EvaluationSpec();
        s.model = location(root, "model", false);
        s.inputShape = shape(root.get("input_shape"), "input_shape");
        s.bounds = bounds(root.get("bounds"));
        s.normalization = normalization(root.get("normalization"));
        s.numClasses = integer(root, "num_classes", "", 2);
        if (root.has("device")) {
            s.device = device(root.get("device"));
        }
        s.data = location(root, "data", true);
        s.labels = path(root, "labels", "");
        s.limit = integer(root, "limit", "", 1);
        if (root.has("threat_model")) {
            s.threatModel = text(root.get("threat_model"), "threat_model");
        }
        JsonNode target = root.get("target_success_rate");
        if (target == null || !target.isNumber() || target.asDouble() < 0 || target.asDouble() > 1) {
            throw error("target_success_rate", "a number in [0, 1]", target);
        }
        s.targetSuccessRate = target.asDouble();
        s.attacks.addAll(specs(root.get("attacks"), "attacks", true));
        s.defences.addAll(specs(root.get("defences"), "defences", false));
        if (root.has("training")) {
            s.training = training(root.get("training"));
        }
        if (root.has("calibration")) {
            JsonNode c = root.get("calibration");
            mapping(c, "calibration");
            keys(c, CALIBRATION, "calibration.");
            s.calibration = location(c, "data", true, "calibration.");
            s.calibrationLabels = path(c, "labels", "calibration.");
            s.calibrationLimit = integer(c, "limit", "calibration.", 1);
        }
        if (root.has("curves")) {
            JsonNode curves = root.get("curves");
            if (!curves.isArray()) {
                throw error("curves", "a list of {attack, params, epsilons, samples}", curves);
            }
            for (int i = 0; i < curves.size(); i++) {
                s.curves.add(curve(curves.get(i), "curves[" + i + "]."));
            }
        }
        if (root.has("survival")) {
            s.physical = survival(root.get("survival"));
        }
        Integer batch = integer(root, "batch_size", "", 1);
        s.batchSize = batch == null ? s.batchSize : batch;
        Integer examples = integer(root, "examples", "", 0);
        s.examples = examples == null ? s.examples : examples;
        if (root.has("stop_when_met")) {
            JsonNode b = root.get("stop_when_met");
            if (!b.isBoolean()) {
                throw error("stop_when_met", "true or false", b);
            }
            s.stopWhenMet = b.asBoolean();
        }
        s.report = path(root, "report", "");
        s.json = path(root, "json", "");
        return s;
    }

    private EvaluationSpec.Training training(JsonNode t) {
        mapping(t, "training");
        keys(t, TRAINING, "training.");
        EvaluationSpec.Training out = new EvaluationSpec.Training();
        out.data = location(t, "data", true, "training.");
        out.labels = path(t, "labels", "training.");
        out.limit = integer(t, "limit", "training.", 1);
        if (t.has("arch")) {
            out.arch = text(t.get("arch"), "training.arch");
        }
        if (t.has("activation")) {
            out.activation = text(t.get("activation"), "training.activation");
        }
        Integer epochs = integer(t, "epochs", "training.", 1);
        out.epochs = epochs == null ? out.epochs : epochs;
        Integer batch = integer(t, "batch_size", "training.", 1);
        out.batchSize = batch == null ? out.batchSize : batch;
        if (t.has("learning_rate")) {
            JsonNode lr = t.get("learning_rate");
            if (!lr.isNumber() || !(lr.asDouble() > 0)) {
                throw error("training.learning_rate", "a number > 0", lr);
            }
            out.learningRate = (float) lr.asDouble();
        }
        if (t.has("seed")) {
            JsonNode seed = t.get("seed");
            if (!seed.isIntegralNumber()) {
                throw error("training.seed", "an integer", seed);
            }
            out.seed = seed.asLong();
        }
        return out;
    }

    /**
     * The physical threat model: {@code survival: {transform: rotation=15,translation=2 (or a
     * mapping), draws, seed, strengths, strength_draws}}.
     */
    private dev.robust4j.evaluate.PhysicalThreat survival(JsonNode node) {
        mapping(node, "survival");
        keys(node, SURVIVAL, "survival.");
        JsonNode t = node.get("transform");
        dev.robust4j.transform.TransformSpec spec;
        try {
            if (t != null && t.isObject()) {
                spec = dev.robust4j.transform.TransformSpec.of(params(t, "survival.transform"));
            } else if (t != null && t.isTextual() && !t.asText().isBlank()) {
                spec = dev.robust4j.transform.TransformSpec.parse(t.asText());
            } else {
                throw error("survival.transform", "transformation parameters such as rotation=15,translation=2 or"
                        + " {rotation: 15, translation: 2}", t);
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IllegalArgumentException(file + ": survival.transform: " + e.getMessage(), e);
        }
        Integer draws = integer(node, "draws", "survival.", 1);
        long seed = 0;
        if (node.has("seed")) {
            JsonNode v = node.get("seed");
            if (!v.isIntegralNumber()) {
                throw error("survival.seed", "an integer", v);
            }
            seed = v.asLong();
        }
        double[] strengths = dev.robust4j.evaluate.PhysicalThreat.DEFAULT_STRENGTHS;
        if (node.has("strengths")) {
            JsonNode a = node.get("strengths");
            String expected = "a list of increasing factors in [0, 1], e.g. [0, 0.25, 0.5, 0.75, 1]";
            if (!a.isArray()) {
                throw error("survival.strengths", expected, a);
            }
            strengths = new double[a.size()];
            for (int i = 0; i < strengths.length; i++) {
                if (!a.get(i).isNumber()) {
                    throw error("survival.strengths", expected, a);
                }
                strengths[i] = a.get(i).asDouble();
            }
        }
        Integer strengthDraws = integer(node, "strength_draws", "survival.", 1);
        try {
            return new dev.robust4j.evaluate.PhysicalThreat(spec,
                    draws == null ? dev.robust4j.evaluate.PhysicalThreat.DEFAULT_DRAWS : draws, seed, strengths,
                    strengthDraws == null ? dev.robust4j.evaluate.PhysicalThreat.DEFAULT_STRENGTH_DRAWS : strengthDraws);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage().replaceFirst("^survival strengths", "survival.strengths")
                    .replaceFirst("^survival strength draws", "survival.strength_draws")
                    .replaceFirst("^survival draws", "survival.draws");
            throw new IllegalArgumentException(file + ": " + m, e);
        }
    }

    private CurveSpec curve(JsonNode c, String where) {
        mapping(c, where.substring(0, where.length() - 1));
        keys(c, CURVE, where);
        String attack = text(c.get("attack"), where + "attack");
        Map<String, String> params = params(c.get("params"), where + "params");
        JsonNode eps = c.get("epsilons");
        if (eps == null || !eps.isArray() || eps.isEmpty()) {
            throw error(where + "epsilons", "a list of budgets, e.g. [0, 0.05, 0.1]", eps);
        }
        double[] e = new double[eps.size()];
        for (int i = 0; i < e.length; i++) {
            if (!eps.get(i).isNumber()) {
                throw error(where + "epsilons[" + i + "]", "a number", eps.get(i));
            }
            e[i] = eps.get(i).asDouble();
        }
        Integer samples = integer(c, "samples", where, 1);
        try {
            return new CurveSpec(attack, params, e, samples == null ? 100 : samples);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(file + ": " + where.substring(0, where.length() - 1) + ": "
                    + ex.getMessage(), ex);
        }
    }

    /** A list of specs, each a string {@code name:k=v,...} or a mapping {name, params}. */
    private List<String> specs(JsonNode list, String key, boolean required) {
        List<String> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            if (required) {
                throw error(key, "a list of at least one spec, e.g. - pgd:eps=0.1,steps=40", list);
            }
            return out;
        }
        if (!list.isArray() || (required && list.isEmpty())) {
            throw error(key, "a list of " + (required ? "at least one " : "") + "spec, e.g. - pgd:eps=0.1,steps=40",
                    list);
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String where = key + "[" + i + "]";
            if (item.isTextual()) {
                out.add(item.asText());
            } else if (item.isObject()) {
                keys(item, NAMED, where + ".");
                StringBuilder b = new StringBuilder(text(item.get("name"), where + ".name"));
                String sep = ":";
                for (Map.Entry<String, String> e : params(item.get("params"), where + ".params").entrySet()) {
                    b.append(sep).append(e.getKey()).append('=').append(e.getValue());
                    sep = ",";
                }
                out.add(b.toString());
            } else {
                throw error(where, "a spec string or {name: ..., params: {...}}", item);
            }
        }
        return out;
    }

    private Map<String, String> params(JsonNode p, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (p == null || p.isNull()) {
            return out;
        }
        mapping(p, where);
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw error(where + "." + e.getKey(), "a number, string or boolean", v);
            }
            out.put(e.getKey(), v.asText());
        }
        return out;
    }

    private void keys(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(file + ": unknown setting '" + prefix + k + "'; known: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    private void mapping(JsonNode node, String key) {
        if (node == null || !node.isObject()) {
            throw error(key, "a mapping of settings", node);
        }
    }

    private ai.djl.Device device(JsonNode node) {
        ai.djl.Device d;
        try {
            d = dev.robust4j.model.Devices.parse(node == null || !node.isTextual() ? null : node.asText());
        } catch (IllegalArgumentException e) {
            throw error("device", "cpu, gpu or gpu:N with N >= 0", node);
        }
        return dev.robust4j.model.Devices.require(d, "PyTorch", file + ": device");
    }

    private String text(JsonNode node, String key) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw error(key, "a non-empty string", node);
        }
        return node.asText();
    }

    private Integer integer(JsonNode parent, String key, String prefix, int min) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > Integer.MAX_VALUE) {
            throw error(prefix + key, "an integer >= " + min, node);
        }
        return node.asInt();
    }

    private String location(JsonNode parent, String key, boolean required) {
        return location(parent, key, required, "");
    }

    private String location(JsonNode parent, String key, boolean required, String prefix) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            if (required) {
                throw error(prefix + key, "a dataset name or a path", node);
            }
            return null;
        }
        String v = text(node, prefix + key);
        if (KnownDatasets.isKnown(v) || ModelOptions.isUrl(v)) {
            return v;
        }
        return folder.resolve(v).normalize().toString();
    }

    private Path path(JsonNode parent, String key, String prefix) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        return folder.resolve(text(node, prefix + key)).normalize();
    }

    private long[] shape(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw error(key, "a list of positive integers, e.g. [1, 28, 28]", node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            if (!node.get(i).isIntegralNumber() || node.get(i).asLong() < 1) {
                throw error(key, "a list of positive integers, e.g. [1, 28, 28]", node);
            }
            out[i] = node.get(i).asLong();
        }
        return out;
    }

    private dev.robust4j.model.Normalization normalization(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw error("normalization", "a mapping {mean: [...], std: [...]}", node);
        }
        keys(node, NORMALIZATION, "normalization.");
        float[][] v = new float[2][];
        String[] names = {"mean", "std"};
        for (int k = 0; k < 2; k++) {
            JsonNode a = node.get(names[k]);
            if (a != null && a.isNumber()) {
                v[k] = new float[] {(float) a.asDouble()};
                continue;
            }
            if (a == null || !a.isArray() || a.size() == 0) {
                throw error("normalization." + names[k], "a number or a list of numbers, one per channel", a);
            }
            v[k] = new float[a.size()];
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).isNumber()) {
                    throw error("normalization." + names[k], "a number or a list of numbers, one per channel", a);
                }
                v[k][i] = (float) a.get(i).asDouble();
            }
        }
        try {
            return new dev.robust4j.model.Normalization(v[0], v[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": normalization: " + e.getMessage(), e);
        }
    }

    private float[] bounds(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() != 2 || !node.get(0).isNumber() || !node.get(1).isNumber()
                || !(node.get(0).asDouble() < node.get(1).asDouble())) {
            throw error("bounds", "[min, max] with min < max, e.g. [0, 1]", node);
        }
        return new float[] {(float) node.get(0).asDouble(), (float) node.get(1).asDouble()};
    }

    private IllegalArgumentException error(String key, String expected, JsonNode got) {
        String value = got == null || got.isMissingNode() ? "nothing" : "'" + (got.isTextual() ? got.asText() : got.toString()) + "'";
        return new IllegalArgumentException(file + ": " + key + " must be " + expected + ", got " + value);
    }
}
