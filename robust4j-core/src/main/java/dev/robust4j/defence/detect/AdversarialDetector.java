package dev.robust4j.defence.detect;

import ai.djl.ndarray.NDArray;

/** A detector that flags inputs it takes for adversarial, standing in front of a model. */
public interface AdversarialDetector {

    /**
     * Flags a batch.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}
     * @return per sample, true if the detector rejects it
     */
    boolean[] detect(NDArray x);

    /** @return a short description for reports */
    String description();
}
