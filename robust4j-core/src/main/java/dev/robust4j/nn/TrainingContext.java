package dev.robust4j.nn;

import dev.robust4j.model.BlockClassifier;

import java.util.Random;

/**
 * What a {@link BatchTransform} may know about the training in progress.
 *
 * <p>{@link #model()} is the model being trained, viewed as a classifier; its
 * {@link BlockClassifier#evaluate evaluate} runs in inference mode and opens its own gradient
 * collector, which is allowed because transforms run before the trainer opens its one.
 * {@link #random()} is one generator for the whole run, seeded from the training seed, so
 * transforms that draw from it are reproducible.
 *
 * @param model the model being trained
 * @param epoch the epoch, from 0
 * @param epochs the number of epochs
 * @param batch the batch within the epoch, from 0
 * @param batches the number of batches per epoch
 * @param step the number of optimiser steps taken before this batch, over all epochs
 * @param numClasses the number of classes {@code K}
 * @param random the seeded generator for transforms
 */
public record TrainingContext(
        BlockClassifier model, int epoch, int epochs, int batch, int batches, long step, int numClasses, Random random) {}
