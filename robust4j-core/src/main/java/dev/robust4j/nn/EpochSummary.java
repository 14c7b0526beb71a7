package dev.robust4j.nn;

/**
 * What one training epoch achieved.
 *
 * @param epoch the epoch, from 0
 * @param meanLoss the mean over the epoch's samples of the soft-label cross-entropy
 * @param trainAccuracy the fraction of the epoch's (transformed) samples whose training-mode
 *     prediction equals their hard label
 * @param samples the number of samples trained on, after transforms
 * @param seconds the wall-clock time of the epoch
 */
public record EpochSummary(int epoch, double meanLoss, double trainAccuracy, long samples, double seconds) {}
