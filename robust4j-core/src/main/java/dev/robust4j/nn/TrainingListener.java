package dev.robust4j.nn;

/**
 * Receives progress from the trainer, for example to draw a progress bar. The library itself never
 * prints. Callbacks run on the training thread between steps; they should be quick.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};

    /**
     * Called after every optimiser step.
     *
     * @param progress where the run is and how the batch went
     */
    default void onBatch(BatchProgress progress) {}

    /**
     * Called after every epoch.
     *
     * @param summary the epoch's results
     */
    default void onEpoch(EpochSummary summary) {}

    /**
     * Progress after one step.
     *
     * @param epoch the epoch, from 0
     * @param epochs the number of epochs
     * @param batch the batch within the epoch, from 0
     * @param batches the number of batches per epoch
     * @param loss the batch's mean loss
     * @param accuracy the batch's train accuracy
     */
    record BatchProgress(int epoch, int epochs, int batch, int batches, float loss, float accuracy) {

        /** @return the number of steps taken so far in the run, from 1 */
        public long step() {
            return (long) epoch * batches + batch + 1;
        }

        /** @return the total number of steps of the run */
        public long totalSteps() {
            return (long) epochs * batches;
        }
    }
}
