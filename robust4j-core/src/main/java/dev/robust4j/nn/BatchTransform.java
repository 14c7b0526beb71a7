package dev.robust4j.nn;

import java.util.Objects;

/**
 * A training-time change to each mini-batch: the plug-in point of training defences such as label
 * smoothing, Gaussian augmentation and adversarial training.
 *
 * <p>The trainer calls {@link #apply} once per batch, <em>before</em> it opens its gradient
 * collector, so a transform may compute input gradients with {@code ctx.model().evaluate(...)}.
 * A transform must not close the arrays of the batch it is given, must make new arrays in the
 * batch's manager, and must keep no NDArray beyond the call. It may change the number of samples.
 */
@FunctionalInterface
public interface BatchTransform {

    /**
     * Transforms one batch.
     *
     * @param batch the batch: inputs, hard labels and soft labels (one-hot unless an earlier
     *     transform changed them)
     * @param ctx the model being trained, the position in the run and a seeded generator
     * @return the batch to train on
     */
    TrainingBatch apply(TrainingBatch batch, TrainingContext ctx);

    /**
     * Returns a short description for model files and reports.
     *
     * @return e.g. {@code label-smoothing:max-value=0.9}
     */
    default String description() {
        return getClass().getSimpleName();
    }

    /**
     * Returns the transform that trains on the batch unchanged, with one-hot labels.
     *
     * @return the identity
     */
    static BatchTransform identity() {
        return Identity.INSTANCE;
    }

    /**
     * Returns the transform applying this one, then {@code next}.
     *
     * @param next the transform to apply second
     * @return the composition
     */
    default BatchTransform andThen(BatchTransform next) {
        Objects.requireNonNull(next, "next");
        BatchTransform first = this;
        if (first == Identity.INSTANCE) {
            return next;
        }
        if (next == Identity.INSTANCE) {
            return first;
        }
        return new BatchTransform() {
            @Override
            public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
                return next.apply(first.apply(batch, ctx), ctx);
            }

            @Override
            public String description() {
                return first.description() + "+" + next.description();
            }
        };
    }

    /** The identity transform. */
    final class Identity implements BatchTransform {
        private static final Identity INSTANCE = new Identity();

        private Identity() {}

        @Override
        public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
            return batch;
        }

        @Override
        public String description() {
            return "none";
        }
    }
}
