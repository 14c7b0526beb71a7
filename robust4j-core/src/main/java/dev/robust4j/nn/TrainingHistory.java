package dev.robust4j.nn;

import java.util.List;

/**
 * The per-epoch results of one training run, as plain values.
 *
 * @param epochs one summary per epoch, in order
 */
public record TrainingHistory(List<EpochSummary> epochs) {

    /**
     * Copies the list.
     *
     * @param epochs one summary per epoch, in order
     * @throws IllegalArgumentException if it is empty
     */
    public TrainingHistory {
        epochs = List.copyOf(epochs);
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("a training history needs at least one epoch");
        }
    }

    /** @return the last epoch's summary */
    public EpochSummary last() {
        return epochs.get(epochs.size() - 1);
    }

    /** @return the last epoch's mean loss */
    public double finalLoss() {
        return last().meanLoss();
    }

    /** @return the last epoch's train accuracy */
    public double finalAccuracy() {
        return last().trainAccuracy();
    }

    /** @return the total wall-clock time of all epochs, in seconds */
    public double seconds() {
        return epochs.stream().mapToDouble(EpochSummary::seconds).sum();
    }
}
