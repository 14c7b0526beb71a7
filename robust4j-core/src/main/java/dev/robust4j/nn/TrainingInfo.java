package dev.robust4j.nn;

import dev.robust4j.data.Dataset;

import java.util.Objects;

/**
 * How a model was trained, as plain values: the provenance a model directory records.
 *
 * @param epochs the number of epochs
 * @param batchSize the batch size
 * @param seed the seed
 * @param optimiser the optimiser's name, e.g. {@code adam}
 * @param learningRate the learning rate
 * @param momentum the SGD momentum, 0 for Adam
 * @param weightDecay the L2 weight decay
 * @param transform the batch transform's description, {@code none} for the identity
 * @param trainSamples the number of training samples
 * @param dataSource where the training data came from
 * @param history the per-epoch loss and accuracy
 */
public record TrainingInfo(
        int epochs,
        int batchSize,
        long seed,
        String optimiser,
        float learningRate,
        float momentum,
        float weightDecay,
        String transform,
        int trainSamples,
        String dataSource,
        TrainingHistory history) {

    /**
     * Checks that nothing is missing.
     *
     * @param epochs the number of epochs
     * @param batchSize the batch size
     * @param seed the seed
     * @param optimiser the optimiser's name, e.g. {@code adam}
     * @param learningRate the learning rate
     * @param momentum the SGD momentum, 0 for Adam
     * @param weightDecay the L2 weight decay
     * @param transform the batch transform's description, {@code none} for the identity
     * @param trainSamples the number of training samples
     * @param dataSource where the training data came from
     * @param history the per-epoch loss and accuracy
     * @throws NullPointerException if a reference is null
     */
    public TrainingInfo {
        Objects.requireNonNull(optimiser, "optimiser");
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(history, "history");
    }

    /**
     * Records a finished run.
     *
     * @param config the configuration it used
     * @param data the training data
     * @param history what it achieved
     * @return the record
     */
    public static TrainingInfo of(TrainingConfig config, Dataset data, TrainingHistory history) {
        return new TrainingInfo(
                config.epochs(),
                config.batchSize(),
                config.seed(),
                config.optimiser().id(),
                config.learningRate(),
                config.momentum(),
                config.weightDecay(),
                config.transform().description(),
                data.size(),
                data.source(),
                history);
    }

    /** @return the last epoch's train accuracy */
    public double finalTrainAccuracy() {
        return history.finalAccuracy();
    }
}
