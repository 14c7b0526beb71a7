package dev.robust4j.nn;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Devices;
import dev.robust4j.model.Shapes;

import java.util.List;
import java.util.Objects;

/**
 * Builds the built-in networks. Every activation in a network is the spec's activation, so a
 * bounded ReLU replaces every ReLU. Weights use DJL's default initialisation (He / Kaiming normal
 * for weights, zeros for biases, BatchNorm at identity).
 *
 * <ul>
 *   <li>{@link Architecture#MLP}: flatten, linear 256, act, linear 128, act, linear K.
 *   <li>{@link Architecture#CNN}: conv3x3(32) BatchNorm act maxpool2, conv3x3(64) BatchNorm act
 *       maxpool2, flatten, dropout 0.25, linear 128, act, linear K. Convolutions are padded, so a C x
 *       H x W input reaches the flatten as 64 x floor(floor(H/2)/2) x floor(floor(W/2)/2).
 *   <li>{@link Architecture#RESNET}: stem conv3x3(16) BatchNorm act, then three residual blocks of
 *       16 (stride 1), 32 (stride 2) and 64 (stride 2) channels (conv3x3 BN act conv3x3 BN, plus the
 *       input through a 1x1 convolution and BN where channels or stride change, then act), global
 *       average pooling, linear K.
 * </ul>
 */
public final class Networks {

    /** The DJL engine every built-in network runs on: it has the autograd the trainer needs. */
    public static final String ENGINE = "PyTorch";

    /** The dropout rate of the CNN's classifier head. */
    public static final float CNN_DROPOUT = 0.25f;

    private Networks() {}

    /**
     * Builds the block of a network, not yet initialised.
     *
     * @param spec what to build
     * @return a new block whose input is {@code (N, spec.inputShape()...)} and output logits {@code (N, K)}
     */
    public static Block build(NetworkSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return switch (spec.architecture()) {
            case MLP -> mlp(spec);
            case CNN -> cnn(spec);
            case RESNET -> resnet(spec);
        };
    }

    /**
     * Builds a network, initialises its parameters with a seed and wraps it as a classifier. The
     * same spec and seed give bit-identical parameters.
     *
     * @param spec what to build
     * @param bounds the input bounds the classifier declares
     * @param classNames the class names, or an empty list
     * @param seed the seed of the engine's random generator used for the initial weights
     * @return the classifier; the caller closes it
     */
    public static BlockClassifier newClassifier(
            NetworkSpec spec, Bounds bounds, List<String> classNames, long seed) {
        return newClassifier(spec, bounds, classNames, seed, Device.cpu());
    }

    /**
     * Builds a network on a device, initialises its parameters with a seed and wraps it as a
     * classifier. On the CPU the same spec and seed give bit-identical parameters.
     *
     * @param spec what to build
     * @param bounds the input bounds the classifier declares
     * @param classNames the class names, or an empty list
     * @param seed the seed of the engine's random generator used for the initial weights
     * @param device where the parameters live and the network runs ({@link dev.robust4j.model.Devices})
     * @return the classifier; the caller closes it
     * @throws IllegalArgumentException if the device is not available
     */
    public static BlockClassifier newClassifier(
            NetworkSpec spec, Bounds bounds, List<String> classNames, long seed, Device device) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(bounds, "bounds");
        Devices.require(device, ENGINE, "device");
        Block block = build(spec);
        Model model = Model.newInstance("robust4j-" + spec.architecture().id(), device, ENGINE);
        try {
            model.setBlock(block);
            Engine.getEngine(ENGINE).setRandomSeed(engineSeed(seed));
            block.initialize(model.getNDManager(), DataType.FLOAT32, Shapes.batch(1, spec.inputShape()));
            return new BlockClassifier(
                    model, new Shape(spec.inputShape()), bounds, spec.numClasses(), classNames, spec.toString());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Folds a 64-bit seed into the 32-bit seed DJL's engines take.
     *
     * @param seed the seed
     * @return the engine seed
     */
    static int engineSeed(long seed) {
        return Long.hashCode(seed);
    }

    private static Block mlp(NetworkSpec spec) {
        Activation act = spec.activation();
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(256).build())
                .add(act.block())
                .add(Linear.builder().setUnits(128).build())
                .add(act.block())
                .add(Linear.builder().setUnits(spec.numClasses()).build());
    }

    private static Block cnn(NetworkSpec spec) {
        Activation act = spec.activation();
        return new SequentialBlock()
                .add(conv(32, 3, 1))
                .add(BatchNorm.builder().build())
                .add(act.block())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(64, 3, 1))
                .add(BatchNorm.builder().build())
                .add(act.block())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Dropout.builder().optRate(CNN_DROPOUT).build())
                .add(Linear.builder().setUnits(128).build())
                .add(act.block())
                .add(Linear.builder().setUnits(spec.numClasses()).build());
    }

    private static Block resnet(NetworkSpec spec) {
        Activation act = spec.activation();
        SequentialBlock net = new SequentialBlock()
                .add(conv(16, 3, 1))
                .add(BatchNorm.builder().build())
                .add(act.block());
        net.add(residual(16, 16, 1, act));
        net.add(residual(16, 32, 2, act));
        net.add(residual(32, 64, 2, act));
        return net.add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(spec.numClasses()).build());
    }

    /** conv3x3-BN-act-conv3x3-BN plus the (projected) input, then act. */
    private static Block residual(int in, int out, int stride, Activation act) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(out, 3, stride))
                .add(BatchNorm.builder().build())
                .add(act.block())
                .add(conv(out, 3, 1))
                .add(BatchNorm.builder().build());
        Block shortcut = (in == out && stride == 1)
                ? Blocks.identityBlock()
                : new SequentialBlock().add(conv(out, 1, stride)).add(BatchNorm.builder().build());
        ParallelBlock sum = new ParallelBlock(
                branches -> new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
                List.of(main, shortcut));
        return new SequentialBlock().add(sum).add(act.block());
    }

    /** A padded ("same" for stride 1) square convolution without bias: a BatchNorm follows it. */
    private static Block conv(int filters, int kernel, int stride) {
        int pad = kernel / 2;
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .setFilters(filters)
                .optBias(false)
                .build();
    }
}
