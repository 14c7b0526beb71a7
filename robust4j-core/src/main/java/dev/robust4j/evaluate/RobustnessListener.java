package dev.robust4j.evaluate;

import dev.robust4j.nn.TrainingListener;

/** Told how a robustness test is getting on; every method does nothing by default. */
public interface RobustnessListener extends PoolListener {

    /** A listener that ignores everything. */
    RobustnessListener NONE = new RobustnessListener() {};

    /**
     * A round starts.
     *
     * @param index the round's index, 0 for the undefended model
     * @param defence the defence, or {@code none}
     */
    default void roundStarted(int index, String defence) {}

    /**
     * A model is about to be trained.
     *
     * @param what what is trained, e.g. {@code cnn + adversarial-training:preset=madry}
     * @return the listener the trainer reports to
     */
    default TrainingListener trainingStarted(String what) {
        return TrainingListener.NONE;
    }

    /**
     * The model announced by {@link #trainingStarted} is trained.
     *
     * @param what what was trained
     * @param seconds how long it took
     */
    default void trainingFinished(String what, double seconds) {}

    /**
     * An accuracy-vs-epsilon curve is about to be computed.
     *
     * @param attack the attack's name
     * @param points the number of budgets
     */
    default void curveStarted(String attack, int points) {}

    /**
     * A round is over.
     *
     * @param round the round
     */
    default void roundFinished(Round round) {}
}
