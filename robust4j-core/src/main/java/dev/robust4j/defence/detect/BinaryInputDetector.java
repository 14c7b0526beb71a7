package dev.robust4j.defence.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.AtomicFiles;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.Classifier;
import dev.robust4j.nn.ModelDirectory;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained binary detector of adversarial inputs (Metzen, Genewein, Fischer and Bischoff, "On
 * Detecting Adversarial Perturbations", ICLR 2017; ART's {@code BinaryInputDetector}): a small
 * classifier of its own, trained to tell clean inputs (class 0) from adversarials (class 1) that
 * one attack crafted against the protected model. Metzen et al. attach the detector to the
 * model's inner layers; like ART's input detector, this one reads the input itself, so it needs
 * nothing of the model at run time.
 *
 * <p>The score of an input is the detector's logit margin {@code z_adversarial - z_clean}; an input
 * is flagged when its score exceeds a threshold calibrated on clean data for a target
 * false-positive rate, as for {@link FeatureSqueezingDetector}. A calibrated copy shares the
 * network with the detector it was made from: close one of them, once.
 *
 * <p>Saved as a directory: {@value #METADATA_FILE} (kind, threshold, the training attack and its
 * parameters) and {@code network/}, a robust4j model directory.
 */
public final class BinaryInputDetector implements ScoredDetector, AutoCloseable {

    /** The metadata file of a saved detector. */
    public static final String METADATA_FILE = "robust4j-detector.json";
    /** The {@code format} field of the metadata. */
    public static final String FORMAT = "robust4j-detector";
    /** The {@code kind} of this detector in the metadata. */
    public static final String KIND = "binary-input";
    private static final String NETWORK = "network";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final TrainedModel network;
    private final double threshold;
    private final Map<String, Object> provenance;

    private BinaryInputDetector(TrainedModel network, double threshold, Map<String, Object> provenance) {
        this.network = Objects.requireNonNull(network, "network");
        this.threshold = threshold;
        this.provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /**
     * Trains a detector: crafts one adversarial per clean sample with the attack against the model
     * (every returned point, successful or not: each is a perturbed input), then trains a network of
     * the given architecture on the clean samples (class 0) and the adversarials (class 1).
     *
     * @param model the protected model the adversarials are crafted against
     * @param clean labelled clean samples with the model's input shape
     * @param attack the attack
     * @param architecture the detector's architecture: {@code cnn} (images), {@code mlp} or {@code resnet}
     * @param config how to train the detector
     * @param batchSize samples per attack call
     * @param listener training progress, or {@link TrainingListener#NONE}
     * @return an uncalibrated detector (threshold NaN); the caller closes it
     */
    public static BinaryInputDetector train(Classifier model, Dataset clean, EvasionAttack attack, String architecture,
            TrainingConfig config, int batchSize, TrainingListener listener) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(attack, "attack");
        int n = clean.size();
        if (n < 2) {
            throw new IllegalArgumentException("training a detector needs at least 2 clean samples, got " + n);
        }
        float[] adversarial;
        try (NDManager manager = NDManager.newBaseManager();
                AttackResult r = AttackRunner.run(attack, model, clean, null, batchSize, manager, null)) {
            adversarial = r.adversarial().toFloatArray();
        }
        float[] x = Arrays.copyOf(clean.features(), 2 * clean.features().length);
        System.arraycopy(adversarial, 0, x, clean.features().length, adversarial.length);
        int[] y = new int[2 * n];
        Arrays.fill(y, n, 2 * n, 1);
        Dataset mixed = new Dataset(x, clean.sampleShape(), y, List.of("clean", "adversarial"),
                clean.source() + " + " + attack.name() + " adversarials");
        NetworkSpec spec = NetworkSpec.of(architecture, "relu", clean.sampleShape(), 2);
        TrainedModel network = Trainer.train(mixed, spec, model.bounds(), config, listener);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("attack", attack.name());
        provenance.put("attack_params", new LinkedHashMap<>(attack.params()));
        provenance.put("model", model.description());
        provenance.put("clean_samples", n);
        return new BinaryInputDetector(network, Double.NaN, provenance);
    }

    /**
     * Scores a batch.
     *
     * @param x the inputs, with the detector's input shape
     * @return per sample, the detector's logit margin {@code z_adversarial - z_clean}
     */
    @Override
    public float[] scores(NDArray x) {
        try (NDManager scope = x.getManager().newSubManager()) {
            x.tempAttach(scope);
            NDArray logits = network.classifier().predict(x);
            return logits.get(":, 1").sub(logits.get(":, 0")).toFloatArray();
        }
    }

    /**
     * Calibrates the threshold on clean data: at most a fraction {@code fpr} of them score above it.
     *
     * @param clean clean samples, not used to train the detector
     * @param fpr the target false-positive rate, in {@code [0, 1)}
     * @param batchSize samples per batch
     * @return a calibrated detector sharing this one's network
     */
    public BinaryInputDetector calibrate(Dataset clean, double fpr, int batchSize) {
        if (!(fpr >= 0 && fpr < 1)) {
            throw new IllegalArgumentException("fpr must be in [0, 1), got " + fpr);
        }
        Map<String, Object> p = new LinkedHashMap<>(provenance);
        p.put("fpr", fpr);
        p.put("calibration_samples", clean.size());
        return new BinaryInputDetector(network, FeatureSqueezingDetector.thresholdFor(scores(clean, batchSize), fpr), p);
    }

    /** @return the threshold, NaN if uncalibrated */
    @Override
    public double threshold() {
        return threshold;
    }

    /** @return the detector's input shape */
    public long[] inputShape() {
        return network.spec().inputShape();
    }

    /** @return how the detector was made: attack, its parameters, model, samples, calibration */
    public Map<String, Object> provenance() {
        return provenance;
    }

    /** @return e.g. {@code binary input detector (cnn, trained on pgd adversarials)} */
    @Override
    public String description() {
        return "binary input detector (" + network.spec().architecture().id() + ", trained on "
                + provenance.get("attack") + " adversarials)";
    }

    /** Closes the detector's network (shared with calibrated copies). */
    @Override
    public void close() {
        network.close();
    }

    /**
     * Saves the detector as a directory. If {@code dir} exists it must be empty or a saved
     * detector, which is replaced; a failed save leaves it as it was.
     *
     * @param dir the directory
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if {@code dir} is a file or a non-empty directory of something else
     */
    public void save(Path dir) throws IOException {
        AtomicFiles.replaceDirectory(dir, "a detector", METADATA_FILE, staging -> {
            ModelDirectory.save(staging.resolve(NETWORK), network);
            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT);
            root.put("format_version", 1);
            root.put("kind", KIND);
            if (Double.isNaN(threshold)) {
                root.putNull("threshold");
            } else {
                root.put("threshold", threshold);
            }
            root.set("provenance", JSON.valueToTree(provenance));
            Files.write(staging.resolve(METADATA_FILE), JSON.writeValueAsBytes(root));
        });
    }

    /**
     * @param dir a path
     * @return true if it looks like a saved detector (its contents are not validated)
     */
    public static boolean isDetectorDirectory(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(METADATA_FILE));
    }

    /**
     * Loads a saved detector.
     *
     * @param dir the directory {@link #save} wrote
     * @return the detector, with its saved threshold (NaN if it was saved uncalibrated); the caller closes it
     * @throws IOException if reading fails
     * @throws IllegalArgumentException naming the file and what is wrong if it is not a saved detector
     */
    public static BinaryInputDetector load(Path dir) throws IOException {
        Path meta = dir.resolve(METADATA_FILE);
        if (!Files.isRegularFile(meta)) {
            throw new IllegalArgumentException(dir + " is not a saved detector: " + METADATA_FILE + " is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(meta.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(meta + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(meta + ": format must be " + FORMAT);
        }
        if (root.path("format_version").asInt(-1) != 1) {
            throw new IllegalArgumentException(meta + ": format_version must be 1, got " + root.get("format_version"));
        }
        if (!KIND.equals(root.path("kind").asText())) {
            throw new IllegalArgumentException(meta + ": kind must be " + KIND + ", got " + root.get("kind"));
        }
        JsonNode t = root.get("threshold");
        double threshold;
        if (t == null || t.isNull()) {
            threshold = Double.NaN;
        } else if (t.isNumber() && Double.isFinite(t.asDouble())) {
            threshold = t.asDouble();
        } else {
            throw new IllegalArgumentException(meta + ": threshold must be a finite number or null, got " + t);
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        JsonNode p = root.get("provenance");
        if (p != null && p.isObject()) {
            p.fields().forEachRemaining(e -> provenance.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
        }
        TrainedModel network = ModelDirectory.loadTrained(dir.resolve(NETWORK));
        if (network.spec().numClasses() != 2) {
            network.close();
            throw new IllegalArgumentException(dir.resolve(NETWORK) + ": a binary detector has 2 classes, this network has "
                    + network.spec().numClasses());
        }
        return new BinaryInputDetector(network, threshold, provenance);
    }

}
