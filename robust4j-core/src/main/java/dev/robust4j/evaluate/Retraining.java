package dev.robust4j.evaluate;

import dev.robust4j.data.Dataset;
import dev.robust4j.model.Bounds;
import dev.robust4j.nn.Activation;
import dev.robust4j.nn.Architecture;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import java.util.Arrays;
import java.util.Objects;

/**
 * How the robustness test trains models: the training data, the built-in network and the
 * training settings. Defences that change training (adversarial training, Gaussian augmentation,
 * label smoothing), the architecture (bounded ReLU) or add trained members (an ensemble) retrain
 * from scratch with this recipe, varied only by the defence.
 *
 * @param train the labelled training data
 * @param spec the network of the undefended model
 * @param bounds the input bounds the trained classifiers declare
 * @param config the training settings of the undefended model (its transform is the identity)
 */
public record Retraining(Dataset train, NetworkSpec spec, Bounds bounds, TrainingConfig config) {

    /**
     * Checks the fields.
     *
     * @param train the labelled training data
     * @param spec the network of the undefended model
     * @param bounds the input bounds the trained classifiers declare
     * @param config the training settings of the undefended model (its transform is the identity)
     */
    public Retraining {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(bounds, "bounds");
        Objects.requireNonNull(config, "config");
        if (!train.hasLabels() || train.size() == 0) {
            throw new IllegalArgumentException(train.source() + ": retraining needs labelled training samples");
        }
        if (!Arrays.equals(train.sampleShape(), spec.inputShape())) {
            throw new IllegalArgumentException(train.source() + ": training samples have shape "
                    + Arrays.toString(train.sampleShape()) + " but the network takes "
                    + Arrays.toString(spec.inputShape()));
        }
    }

    /**
     * Trains a variant of the recipe.
     *
     * @param architecture the architecture, or {@code null} for the recipe's
     * @param activation the activation, or {@code null} for the recipe's
     * @param transform the training-time defence, or {@link BatchTransform#identity()}
     * @param seedOffset added to the recipe's seed (ensemble members differ by it)
     * @param listener told of training progress
     * @return the trained model; the caller closes it
     */
    public TrainedModel train(
            Architecture architecture,
            Activation activation,
            BatchTransform transform,
            long seedOffset,
            TrainingListener listener) {
        NetworkSpec s = new NetworkSpec(
                architecture == null ? spec.architecture() : architecture,
                activation == null ? spec.activation() : activation,
                spec.inputShape(),
                spec.numClasses());
        TrainingConfig c = config.toBuilder()
                .optTransform(config.transform().andThen(transform))
                .optSeed(config.seed() + seedOffset)
                .build();
        return Trainer.train(train, s, bounds, c, listener);
    }
}
