package dev.robust4j.nn;

import dev.robust4j.model.BlockClassifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A built-in network together with what it is and how it was trained: what {@link Trainer#train}
 * returns and what a model directory holds. Closing it closes the classifier.
 */
public final class TrainedModel implements AutoCloseable {

    private final BlockClassifier classifier;
    private final NetworkSpec spec;
    private final TrainingInfo training;

    /**
     * Bundles a classifier with its spec and training record.
     *
     * @param classifier the trained classifier, built from {@code spec}
     * @param spec the network spec
     * @param training how it was trained
     */
    public TrainedModel(BlockClassifier classifier, NetworkSpec spec, TrainingInfo training) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.training = Objects.requireNonNull(training, "training");
    }

    /** @return the classifier; closed by {@link #close()} */
    public BlockClassifier classifier() {
        return classifier;
    }

    /** @return the network spec */
    public NetworkSpec spec() {
        return spec;
    }

    /** @return how the model was trained */
    public TrainingInfo training() {
        return training;
    }

    /**
     * Saves the model as a directory; see {@link ModelDirectory#save}.
     *
     * @param dir the directory to create or replace
     * @throws IOException if writing fails; nothing is left half-written
     */
    public void save(Path dir) throws IOException {
        ModelDirectory.save(dir, this);
    }

    /** Closes the classifier and its native memory. */
    @Override
    public void close() {
        classifier.close();
    }

    @Override
    public String toString() {
        return "TrainedModel[" + spec + ", " + training.epochs() + " epochs, train accuracy "
                + String.format(Locale.ROOT, "%.4f", training.finalTrainAccuracy()) + "]";
    }
}
