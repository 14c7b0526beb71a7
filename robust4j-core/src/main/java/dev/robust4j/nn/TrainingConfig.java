package dev.robust4j.nn;

import ai.djl.Device;

import java.util.Locale;
import java.util.Objects;

/**
 * How to train: epochs, batch size, optimiser and its settings, seed and batch transform. Made by
 * {@link #builder()}; immutable.
 */
public final class TrainingConfig {

    /** The optimisers the trainer offers. */
    public enum Optimiser {
        /** Adam (Kingma and Ba) with beta1 0.9, beta2 0.999, epsilon 1e-8; default learning rate 1e-3. */
        ADAM("adam", 1e-3f),
        /** Stochastic gradient descent with momentum (default 0.9); default learning rate 1e-2. */
        SGD("sgd", 1e-2f);

        private final String id;
        private final float defaultLearningRate;

        Optimiser(String id, float defaultLearningRate) {
            this.id = id;
            this.defaultLearningRate = defaultLearningRate;
        }

        /** @return the lower-case name, e.g. {@code adam} */
        public String id() {
            return id;
        }

        /** @return the learning rate used when none is set */
        public float defaultLearningRate() {
            return defaultLearningRate;
        }

        /**
         * Parses a lower-case name: {@code adam} or {@code sgd}.
         *
         * @param name the name
         * @return the optimiser
         * @throws IllegalArgumentException naming the value if it is unknown
         */
        public static Optimiser parse(String name) {
            if (name != null) {
                String s = name.trim().toLowerCase(Locale.ROOT);
                for (Optimiser o : values()) {
                    if (o.id.equals(s)) {
                        return o;
                    }
                }
            }
            throw new IllegalArgumentException("unknown optimiser '" + name + "'; expected adam or sgd");
        }
    }

    /** The default number of epochs. */
    public static final int DEFAULT_EPOCHS = 5;
    /** The default batch size. */
    public static final int DEFAULT_BATCH_SIZE = 64;
    /** The default SGD momentum. */
    public static final float DEFAULT_MOMENTUM = 0.9f;

    private final int epochs;
    private final int batchSize;
    private final Optimiser optimiser;
    private final float learningRate;
    private final float momentum;
    private final float weightDecay;
    private final long seed;
    private final boolean shuffle;
    private final BatchTransform transform;
    private final Device device;

    private TrainingConfig(Builder b, float learningRate, float momentum) {
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.optimiser = b.optimiser;
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = b.weightDecay;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.transform = b.transform;
        this.device = b.device;
    }

    /**
     * Starts a configuration with the defaults: 5 epochs, batch size 64, Adam with learning rate
     * 1e-3, no weight decay, seed 0, shuffling, no transform.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the number of passes over the data */
    public int epochs() {
        return epochs;
    }

    /** @return the number of samples per step (before transforms) */
    public int batchSize() {
        return batchSize;
    }

    /** @return the optimiser */
    public Optimiser optimiser() {
        return optimiser;
    }

    /** @return the learning rate */
    public float learningRate() {
        return learningRate;
    }

    /** @return the SGD momentum; 0 for Adam */
    public float momentum() {
        return momentum;
    }

    /** @return the L2 weight decay added to the gradients */
    public float weightDecay() {
        return weightDecay;
    }

    /** @return the seed of the initial weights, shuffling, dropout and transforms */
    public long seed() {
        return seed;
    }

    /** @return whether the samples are shuffled every epoch */
    public boolean shuffle() {
        return shuffle;
    }

    /** @return the batch transform; the identity by default */
    public BatchTransform transform() {
        return transform;
    }

    /** @return the device a network built for this training lives on; the CPU by default */
    public Device device() {
        return device;
    }

    /**
     * Returns a builder holding this configuration's settings, to derive a variant.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = builder()
                .optEpochs(epochs)
                .optBatchSize(batchSize)
                .optOptimiser(optimiser)
                .optLearningRate(learningRate)
                .optWeightDecay(weightDecay)
                .optSeed(seed)
                .optShuffle(shuffle)
                .optTransform(transform)
                .optDevice(device);
        return optimiser == Optimiser.SGD ? b.optMomentum(momentum) : b;
    }

    @Override
    public String toString() {
        return "TrainingConfig[epochs=" + epochs + ", batchSize=" + batchSize + ", optimiser=" + optimiser.id()
                + ", learningRate=" + learningRate + (optimiser == Optimiser.SGD ? ", momentum=" + momentum : "")
                + ", weightDecay=" + weightDecay + ", seed=" + seed + ", shuffle=" + shuffle
                + ", transform=" + transform.description()
                + (Device.Type.CPU.equals(device.getDeviceType()) ? "" : ", device=" + dev.robust4j.model.Devices.name(device))
                + "]";
    }

    /** Builds a {@link TrainingConfig}; every setting is optional and checked in {@link #build()}. */
    public static final class Builder {
        private int epochs = DEFAULT_EPOCHS;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Optimiser optimiser = Optimiser.ADAM;
        private Float learningRate;
        private Float momentum;
        private float weightDecay;
        private long seed;
        private boolean shuffle = true;
        private BatchTransform transform = BatchTransform.identity();
        private Device device = Device.cpu();

        private Builder() {}

        /**
         * Sets the number of epochs.
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the batch size.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the optimiser.
         *
         * @param optimiser Adam or SGD
         * @return this builder
         */
        public Builder optOptimiser(Optimiser optimiser) {
            this.optimiser = Objects.requireNonNull(optimiser, "optimiser");
            return this;
        }

        /**
         * Sets the learning rate; by default the optimiser's default.
         *
         * @param learningRate finite and positive
         * @return this builder
         */
        public Builder optLearningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the SGD momentum (default 0.9). Setting it with Adam is an error.
         *
         * @param momentum in {@code [0, 1)}
         * @return this builder
         */
        public Builder optMomentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * Sets the L2 weight decay (default 0).
         *
         * @param weightDecay finite and non-negative
         * @return this builder
         */
        public Builder optWeightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets the seed of the initial weights, shuffling, dropout and transforms (default 0).
         *
         * @param seed any value
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets whether to shuffle the samples every epoch (default true).
         *
         * @param shuffle whether to shuffle
         * @return this builder
         */
        public Builder optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Sets the batch transform, the hook of training-time defences (default identity).
         *
         * @param transform the transform
         * @return this builder
         */
        public Builder optTransform(BatchTransform transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /**
         * Sets the device {@link Trainer#train} builds the network on (default the CPU). A GPU is
         * checked when the network is built; {@link Trainer#fit} trains a model where it lives.
         *
         * @param device the device
         * @return this builder
         */
        public Builder optDevice(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Checks the settings and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the setting and value that is invalid
         */
        public TrainingConfig build() {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            }
            float lr = learningRate == null ? optimiser.defaultLearningRate() : learningRate;
            if (!(lr > 0) || Float.isInfinite(lr)) {
                throw new IllegalArgumentException("learningRate must be finite and > 0, got " + lr);
            }
            float m;
            if (optimiser == Optimiser.ADAM) {
                if (momentum != null) {
                    throw new IllegalArgumentException(
                            "momentum applies to sgd only, got momentum " + momentum + " with adam");
                }
                m = 0f;
            } else {
                m = momentum == null ? DEFAULT_MOMENTUM : momentum;
                if (!(m >= 0 && m < 1)) {
                    throw new IllegalArgumentException("momentum must be in [0, 1), got " + m);
                }
            }
            if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
            }
            return new TrainingConfig(this, lr, m);
        }
    }
}
