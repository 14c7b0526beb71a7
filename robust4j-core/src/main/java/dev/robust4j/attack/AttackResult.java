package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;

/**
 * What an attack returns: the adversarial batch and everything measured about it as plain Java
 * values. The caller owns {@link #adversarial()} (it lives in the input's manager) and closes it.
 *
 * @param adversarial the adversarial batch, same shape as the input, inside the model's bounds
 *     and (for bounded attacks) inside the budget's ball; one row per input row, failed samples
 *     included as the attack left them
 * @param success per sample: the model's verdict on the returned row is a misclassification
 *     (untargeted) or the target class (targeted)
 * @param labels the true labels
 * @param targets the target labels, or {@code null} for an untargeted attack
 * @param cleanPredictions the model's predicted class on each clean input
 * @param adversarialPredictions the model's predicted class on each returned row
 * @param l0 per sample, the number of features changed
 * @param l2 per sample, the Euclidean norm of the perturbation
 * @param linf per sample, the largest absolute change
 * @param queries per sample, the model evaluations (forward or forward+backward passes) the
 *     attack spent on it
 * @param seconds wall-clock time of the whole attack
 */
public record AttackResult(
        NDArray adversarial,
        boolean[] success,
        int[] labels,
        int[] targets,
        int[] cleanPredictions,
        int[] adversarialPredictions,
        float[] l0,
        float[] l2,
        float[] linf,
        long[] queries,
        double seconds) implements AutoCloseable {

    /** @return the number of samples */
    public int size() {
        return success.length;
    }

    /** @return true if the attack was targeted */
    public boolean targeted() {
        return targets != null;
    }

    /** @return per sample, whether the model classified the clean input correctly */
    public boolean[] cleanCorrect() {
        boolean[] out = new boolean[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = cleanPredictions[i] == labels[i];
        }
        return out;
    }

    /** @return the total queries over all samples */
    public long totalQueries() {
        long sum = 0;
        for (long q : queries) {
            sum += q;
        }
        return sum;
    }

    /** Closes the adversarial batch. */
    @Override
    public void close() {
        adversarial.close();
    }
}
