package dev.robust4j.model;


import java.util.Arrays;
import java.util.Objects;

/**
 * What counts as a successful adversarial for each sample of a batch: a misclassification
 * (anything but the true label) or a targeted misclassification (exactly the target class),
 * optionally with a confidence margin on the model's scores. The one place the success rule is
 * written; attacks, the attack template, the pool and the summaries all ask it.
 *
 * <p>Without a margin a row is adversarial when its predicted class (the arg-max of its scores)
 * is not the label, or is the target. With a margin {@code m > 0} the scores must also clear it:
 * {@code max_{j != y} z_j - z_y > m} (untargeted) or {@code z_t - max_{j != t} z_j > m} (targeted).
 * Where only a predicted class is known (label-only answers) the margin cannot be checked and the
 * class rule applies.
 *
 * <p>Immutable; the arrays are copied in and never handed out for writing.
 */
public final class Criterion {

    private final int[] labels;
    private final int[] targets;
    private final double margin;

    private Criterion(int[] labels, int[] targets, double margin) {
        this.labels = labels;
        this.targets = targets;
        this.margin = margin;
    }

    /**
     * The untargeted criterion: a row is adversarial when the model's class is not its label.
     *
     * @param labels the true label of each sample
     * @return the criterion
     */
    public static Criterion misclassification(int[] labels) {
        return new Criterion(labels.clone(), null, 0);
    }

    /**
     * The targeted criterion: a row is adversarial when the model's class is its target.
     *
     * @param labels the true label of each sample
     * @param targets the target class of each sample, one per label
     * @return the criterion
     * @throws IllegalArgumentException if the lengths differ
     */
    public static Criterion targeted(int[] labels, int[] targets) {
        Objects.requireNonNull(targets, "targets");
        if (targets.length != labels.length) {
            throw new IllegalArgumentException(
                    "one target per label expected: " + labels.length + " labels, " + targets.length + " targets");
        }
        return new Criterion(labels.clone(), targets.clone(), 0);
    }

    /**
     * The targeted criterion if {@code targets} is given, else the untargeted one.
     *
     * @param labels the true labels
     * @param targets the targets, or {@code null}
     * @return the criterion
     */
    public static Criterion of(int[] labels, int[] targets) {
        return targets == null ? misclassification(labels) : targeted(labels, targets);
    }

    /**
     * Returns this criterion with a confidence margin on the scores (logits).
     *
     * @param margin the margin, {@code >= 0}; 0 is the plain class rule
     * @return the criterion
     * @throws IllegalArgumentException for a negative or non-finite margin
     */
    public Criterion withMargin(double margin) {
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be a finite number >= 0, got " + margin);
        }
        return new Criterion(labels, targets, margin);
    }

    /** @return true if the criterion aims at target classes */
    public boolean targeted() {
        return targets != null;
    }

    /** @return the confidence margin on the scores, 0 for the plain class rule */
    public double margin() {
        return margin;
    }

    /** @return the number of samples */
    public int size() {
        return labels.length;
    }

    /** @return the true labels (a copy) */
    public int[] labels() {
        return labels.clone();
    }

    /** @return the targets (a copy), or {@code null} when untargeted */
    public int[] targets() {
        return targets == null ? null : targets.clone();
    }

    /**
     * @param sample the sample
     * @return its true label
     */
    public int label(int sample) {
        return labels[sample];
    }

    /**
     * The class an attack's objective refers to: the target when targeted (moved towards), the true
     * label when not (moved away from).
     *
     * @param sample the sample
     * @return the class
     */
    public int objectiveClass(int sample) {
        return targets != null ? targets[sample] : labels[sample];
    }

    /** @return {@link #objectiveClass} of every sample (a copy) */
    public int[] objectiveClasses() {
        return (targets != null ? targets : labels).clone();
    }

    /**
     * The criterion of a sub-batch.
     *
     * @param samples the samples to keep, in the order of the sub-batch
     * @return the criterion of those samples, with the same margin
     */
    public Criterion select(int[] samples) {
        int[] l = new int[samples.length];
        int[] t = targets == null ? null : new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            l[i] = labels[samples[i]];
            if (t != null) {
                t[i] = targets[samples[i]];
            }
        }
        return new Criterion(l, t, margin);
    }

    /**
     * Decides from a predicted class alone (the margin is not checked: there are no scores).
     *
     * @param sample the sample
     * @param predicted the model's class for a row of it
     * @return true if that class is adversarial
     */
    public boolean isAdversarial(int sample, int predicted) {
        return targets != null ? predicted == targets[sample] : predicted != labels[sample];
    }

    /**
     * Decides from a row of scores: the class rule on {@code predicted} and, with a margin, the
     * margin on the scores.
     *
     * @param sample the sample
     * @param predicted the arg-max of the row
     * @param logits row-major scores
     * @param row the row of {@code logits}
     * @param k the number of classes
     * @return true if the row is adversarial
     */
    public boolean isAdversarial(int sample, int predicted, float[] logits, int row, int k) {
        if (!isAdversarial(sample, predicted)) {
            return false;
        }
        return margin == 0 || -slack(logits, row, k, sample) > margin;
    }

    /**
     * How far a row of scores is from being adversarial: {@code z_y - max_{j != y} z_j} for the
     * label {@code y} (untargeted) or {@code max_{j != t} z_j - z_t} for the target {@code t}
     * (targeted). Negative exactly when the row is adversarial by the class rule (up to ties);
     * the margin loss of Carlini and Wagner before its {@code -kappa} floor. Lower is better.
     *
     * @param logits row-major scores (logits or log-probabilities: the normaliser cancels)
     * @param row the row
     * @param k the number of classes
     * @param sample the sample the row belongs to
     * @return the slack
     */
    public double slack(float[] logits, int row, int k, int sample) {
        int cls = objectiveClass(sample);
        int off = row * k;
        double other = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            if (j != cls) {
                other = Math.max(other, logits[off + j]);
            }
        }
        double own = logits[off + cls] - other;
        return targets != null ? -own : own;
    }

    /**
     * The value an attack minimises given the model's probability (or score) of the
     * {@link #objectiveClass}: the score itself untargeted (push the label down), its negation
     * targeted (push the target up).
     *
     * @param objectiveScore the score of the objective class
     * @return the cost; lower is closer to adversarial
     */
    public double cost(double objectiveScore) {
        return targets != null ? -objectiveScore : objectiveScore;
    }

    /**
     * The objective a gradient attack ascends, given the loss of a class (ascended untargeted,
     * away from the label): the loss itself untargeted, its negation targeted (descending the loss
     * of the target).
     *
     * @param lossOfClass the loss of the class the objective is evaluated at
     * @return the objective to ascend at {@link #objectiveClasses()}
     */
    public Objective ascend(Objective lossOfClass) {
        return targets != null ? lossOfClass.negate() : lossOfClass;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Criterion c && Arrays.equals(labels, c.labels) && Arrays.equals(targets, c.targets)
                && margin == c.margin;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(labels), Arrays.hashCode(targets), margin);
    }

    @Override
    public String toString() {
        return (targets != null ? "targeted misclassification" : "misclassification")
                + (margin > 0 ? " with margin " + margin : "") + " of " + labels.length + " samples";
    }
}
