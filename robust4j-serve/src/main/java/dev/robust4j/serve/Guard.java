package dev.robust4j.serve;

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run-time guard in front of a served model: it inspects each batch the model has just scored
 * and says, per row, whether the input looks adversarial, with a score.
 *
 * <p>The server calls {@link #inspect} from one thread at a time (its model worker), inside the
 * {@code NDManager} scope of the batch; a guard makes its arrays in {@code x}'s manager or in a
 * sub-manager it closes. Implementations: {@link DetectorGuard} (any
 * {@link dev.robust4j.defence.detect.AdversarialDetector}, with the feature-squeezing detector's
 * scores). A randomized-smoothing guard fits the same contract: its verdict flags abstentions and
 * adds a per-row field ({@code certified}) through {@link Verdict#fields()}.
 */
public interface Guard {

    /**
     * Inspects a batch.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}
     * @param scores the model's scores on {@code x}, shape {@code (N, K)}
     * @return the verdict, with {@code N} entries per array
     */
    Verdict inspect(NDArray x, NDArray scores);

    /** @return a short description for logs, {@code /health} and docs */
    String description();

    /**
     * A guard's verdict on a batch.
     *
     * @param flagged per row, true if the guard rejects the input as adversarial
     * @param scores per row, the guard's score (higher means more suspect; {@code NaN} if it has none)
     * @param fields extra per-row answer fields by name (each list of size {@code N}, values that
     *     Jackson writes: numbers, strings, booleans, maps, lists, null); empty for most guards
     */
    record Verdict(boolean[] flagged, float[] scores, Map<String, List<Object>> fields) {

        /**
         * Checks the sizes.
         *
         * @param flagged per row, whether flagged
         * @param scores per row, the score
         * @param fields extra per-row fields
         */
        public Verdict {
            Objects.requireNonNull(flagged, "flagged");
            Objects.requireNonNull(scores, "scores");
            fields = Map.copyOf(fields);
            if (scores.length != flagged.length) {
                throw new IllegalArgumentException(
                        "a verdict has " + flagged.length + " flags and " + scores.length + " scores");
            }
            for (Map.Entry<String, List<Object>> e : fields.entrySet()) {
                if (e.getValue().size() != flagged.length) {
                    throw new IllegalArgumentException("verdict field " + e.getKey() + " has " + e.getValue().size()
                            + " rows for " + flagged.length);
                }
            }
        }

        /**
         * A verdict with no extra fields.
         *
         * @param flagged per row, whether flagged
         * @param scores per row, the score
         * @return the verdict
         */
        public static Verdict of(boolean[] flagged, float[] scores) {
            return new Verdict(flagged, scores, Map.of());
        }
    }
}
