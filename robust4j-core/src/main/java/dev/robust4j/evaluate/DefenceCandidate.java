package dev.robust4j.evaluate;

import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.RuntimeDefences;
import dev.robust4j.defence.TrainingDefences;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One candidate of the defend-and-retest loop: one defence, or several applied together, written
 * as specs joined by {@code +}, e.g. {@code adversarial-training:preset=madry + feature-squeezing:bit-depth=1}.
 * Each candidate is applied to the undefended model on its own; a combination is a candidate of
 * its own.
 *
 * <p>Known defences:
 * <ul>
 *   <li>training (retrains the network): {@code adversarial-training}, {@code gaussian-augmentation},
 *       {@code label-smoothing} (see {@link TrainingDefences});
 *   <li>architecture (retrains): {@code bounded-relu:t=1} (the activation {@code min(max(x, 0), t)});
 *   <li>ensemble: {@code ensemble:size=3} or {@code ensemble:archs=mlp|resnet} trains members (other
 *       seeds, or other architectures) and averages the probabilities ({@code vote=mean}, default)
 *       or takes a majority vote ({@code vote=vote}); {@code ensemble:members=a.pt|b} loads them;
 *   <li>preprocessing: {@code feature-squeezing}, {@code median-smoothing}, {@code spatial-smoothing},
 *       {@code jpeg-compression}, {@code gaussian-noise} (see {@link RuntimeDefences});
 *   <li>detector: {@code squeezing-detector:bit-depth=1,window=2,fpr=0.05} — the feature-squeezing
 *       detector of Xu et al., calibrated on clean data for the false-positive rate.
 * </ul>
 *
 * @param specs the defences, at least one, in the order they are applied
 */
public record DefenceCandidate(List<DefenceSpec> specs) {

    /** The architecture defence's name. */
    public static final String BOUNDED_RELU = "bounded-relu";
    /** The detector's name. */
    public static final String SQUEEZING_DETECTOR = "squeezing-detector";

    /**
     * Checks the specs.
     *
     * @param specs the defences, at least one, in the order they are applied
     */
    public DefenceCandidate {
        Objects.requireNonNull(specs, "specs");
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a defence candidate needs at least one defence");
        }
        specs = List.copyOf(specs);
        for (DefenceSpec s : specs) {
            kindOf(s);
        }
    }

    /**
     * Parses {@code spec [+ spec]...}.
     *
     * @param text e.g. {@code label-smoothing:max-value=0.9}
     * @return the candidate
     * @throws IllegalArgumentException naming the text if a spec is malformed or unknown
     */
    public static DefenceCandidate parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty defence; expected name[:k=v,...][ + name[:k=v,...]]...");
        }
        List<DefenceSpec> specs = new ArrayList<>();
        for (String part : text.split("\\+")) {
            try {
                specs.add(DefenceSpec.parse(part));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("defence '" + text + "': " + e.getMessage(), e);
            }
        }
        try {
            return new DefenceCandidate(specs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("defence '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * Tells what kind of defence a spec is.
     *
     * @param spec the spec
     * @return {@code training}, {@code architecture}, {@code ensemble}, {@code preprocessing} or
     *     {@code detector}
     * @throws IllegalArgumentException for an unknown name
     */
    public static String kindOf(DefenceSpec spec) {
        String name = spec.name();
        if (TrainingDefences.NAMES.contains(name)) {
            return "training";
        }
        if (name.equals(BOUNDED_RELU)) {
            return "architecture";
        }
        if (name.equals("ensemble")) {
            return "ensemble";
        }
        if (name.equals(SQUEEZING_DETECTOR)) {
            return "detector";
        }
        if (RuntimeDefences.isRuntime(spec)) {
            return "preprocessing";
        }
        List<String> known = new ArrayList<>(TrainingDefences.NAMES);
        known.add(BOUNDED_RELU);
        known.addAll(RuntimeDefences.NAMES);
        known.add(SQUEEZING_DETECTOR);
        throw new IllegalArgumentException("unknown defence '" + name + "'; known: " + String.join(", ", known));
    }

    /** @return the kinds of the specs, in order, without repeats */
    public List<String> kinds() {
        List<String> out = new ArrayList<>();
        for (DefenceSpec s : specs) {
            String k = kindOf(s);
            if (!out.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (DefenceSpec s : specs) {
            b.append(b.length() == 0 ? "" : " + ").append(s);
        }
        return b.toString();
    }
}
